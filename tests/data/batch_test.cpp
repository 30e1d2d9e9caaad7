// Tests of make_batch (uint8 images -> float batch divided by 255 as Keras's x / 255.0, one-hot labels) and
// Dataset::take.
#include "nnlab/data/batch.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/data/dataset.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;

// What the seed computes: x_train.astype('float32') / 255.0, a float32 division.
float scaled(int value) {
    return static_cast<float>(value) / 255.0f;
}

// Three 2×2 RGB images (12 bytes each); image i holds (100·i + 23·p) mod 256 at byte p, so every
// image differs; the first image starts with 0 and 255.
Dataset three_images() {
    Dataset data;
    data.image_shape = Shape{2, 2, 3};
    data.class_names = {"cat", "dog", "ship"};
    data.labels = {2, 0, 1};
    for (int i = 0; i < 3; ++i) {
        for (int p = 0; p < 12; ++p) data.images.push_back(static_cast<uint8_t>((100 * i + 23 * p) % 256));
    }
    data.images[0] = 0;
    data.images[1] = 255;
    return data;
}

TEST(MakeBatch, DividesPixelsBy255ExactlyAsKeras) {
    const Dataset data = three_images();
    Tensor x(Shape{3, 2, 2, 3}), y(Shape{3, 3});
    const std::vector<int64_t> indices = {0, 1, 2};
    make_batch(data, indices, x, y);
    for (int64_t k = 0; k < x.numel(); ++k) {
        const int value = data.images[static_cast<size_t>(k)];
        EXPECT_EQ(x[k], scaled(value)) << "value " << k;
    }
    EXPECT_EQ(x[0], 0.0f);
    EXPECT_EQ(x[1], 1.0f);
    EXPECT_EQ(x[2], scaled(46));
}

TEST(MakeBatch, GathersTheIndexedImagesAndOneHotsTheirLabels) {
    const Dataset data = three_images();
    Tensor x(Shape{2, 2, 2, 3}), y(Shape{2, 3});
    y.fill(7.0f);  // make_batch must overwrite every entry of y, not only the ones
    const std::vector<int64_t> indices = {2, 0};
    make_batch(data, indices, x, y);
    EXPECT_EQ(x[0], scaled(200));                   // image 2, byte 0
    EXPECT_EQ(x[12], 0.0f);                         // image 0, byte 0
    EXPECT_EQ(x[13], 1.0f);                         // image 0, byte 1
    EXPECT_THAT(y.values(), ElementsAre(0, 1, 0,    // label 1 (image 2)
                                        0, 0, 1));  // label 2 (image 0)
}

TEST(MakeBatch, RejectsTensorsOfTheWrongShape) {
    const Dataset data = three_images();
    const std::vector<int64_t> indices = {0, 1};
    Tensor too_few(Shape{1, 2, 2, 3}), wrong_image(Shape{2, 3, 3, 3}), x(Shape{2, 2, 2, 3}), y(Shape{2, 3});
    Tensor wrong_rows(Shape{3, 3});
    for (Tensor* bad_x : {&too_few, &wrong_image}) {
        try {
            make_batch(data, indices, *bad_x, y);
            ADD_FAILURE() << "expected nnlab::Error for x " << bad_x->shape().to_string();
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::failure);
            EXPECT_THAT(e.what(), ::testing::HasSubstr(bad_x->shape().to_string()));
        }
    }
    EXPECT_THROW(make_batch(data, indices, x, wrong_rows), Error);
}

TEST(MakeBatch, RejectsALabelOutsideTheClassesOfY) {
    const Dataset data = three_images();
    Tensor x(Shape{1, 2, 2, 3}), y(Shape{1, 2});  // two classes, but example 0 has label 2
    const std::vector<int64_t> indices = {0};
    try {
        make_batch(data, indices, x, y);
        FAIL() << "expected nnlab::Error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("label 2"));
    }
}

TEST(DatasetTake, KeepsTheFirstExamplesAndTheMetadata) {
    const Dataset data = three_images();
    const Dataset two = data.take(2);
    EXPECT_EQ(two.size(), 2);
    EXPECT_THAT(two.labels, ElementsAre(2, 0));
    EXPECT_EQ(two.images, std::vector<uint8_t>(data.images.begin(), data.images.begin() + 24));
    EXPECT_EQ(two.image_shape, data.image_shape);
    EXPECT_EQ(two.class_names, data.class_names);
}

TEST(DatasetTake, ClampsToTheDatasetSize) {
    const Dataset data = three_images();
    EXPECT_EQ(data.take(100).size(), 3);
    EXPECT_EQ(data.take(100).images, data.images);
    EXPECT_EQ(data.take(0).size(), 0);
    EXPECT_TRUE(data.take(0).images.empty());
    EXPECT_EQ(data.take(-5).size(), 0);
    EXPECT_EQ(data.take(-5).num_classes(), 3);
}

}  // namespace
}  // namespace nnlab
