// Loader: exact scaling and one-hot labels, every example once per epoch, seeded shuffling, and the
// same batches whatever the number of workers and the prefetch depth.
#include "nnlab/data/loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "nnlab/core/error.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/synthetic_data.hpp"

namespace nnlab {
namespace {

using nnlab::testing::synthetic_images;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// What the seed computes: x_train.astype('float32') / 255.0, a float32 division.
float scaled(int value) {
    return static_cast<float>(value) / 255.0f;
}

// Three 2×2 RGB images; image i holds (100·i + 23·p) mod 256 at byte p; image 0 starts 0, 255.
Dataset three_images() {
    Dataset data;
    data.image_shape = Shape{2, 2, 3};
    data.class_names = {"cat", "dog", "ship"};
    data.labels = {2, 0, 1};
    for (int i = 0; i < 3; ++i)
        for (int p = 0; p < 12; ++p) data.images.push_back(static_cast<uint8_t>((100 * i + 23 * p) % 256));
    data.images[0] = 0;
    data.images[1] = 255;
    return data;
}

// Every batch of one epoch, flattened: x values then y values.
std::vector<float> epoch_values(const Dataset& data, LoaderOptions options, int epoch) {
    Loader loader(data, data.num_classes(), options);
    std::vector<float> values;
    for (int e = 0; e <= epoch; ++e) {
        loader.start_epoch(e);
        while (const Batch* batch = loader.next()) {
            if (e < epoch) continue;
            values.insert(values.end(), batch->x.data(), batch->x.data() + batch->x.numel());
            values.insert(values.end(), batch->y.data(), batch->y.data() + batch->y.numel());
        }
    }
    return values;
}

TEST(Loader, DividesPixelsBy255ExactlyAsKerasAndOneHotsLabels) {
    const Dataset data = three_images();
    Loader loader(data, 3, {.batch_size = 3, .shuffle = false, .workers = 0});
    loader.start_epoch(0);
    const Batch* batch = loader.next();
    ASSERT_NE(batch, nullptr);
    EXPECT_EQ(batch->x.shape(), (Shape{3, 2, 2, 3}));
    for (int64_t k = 0; k < batch->x.numel(); ++k) EXPECT_EQ(batch->x[k], scaled(data.images[static_cast<size_t>(k)]));
    EXPECT_EQ(batch->x[0], 0.0f);
    EXPECT_EQ(batch->x[1], 1.0f);
    EXPECT_THAT(batch->y.values(), ElementsAre(0, 0, 1, 1, 0, 0, 0, 1, 0));
    EXPECT_EQ(loader.next(), nullptr);
}

TEST(Loader, EveryExampleOncePerEpochWithAShortLastBatch) {
    const Dataset data = synthetic_images(10, 3, Shape{2, 2, 1}, 1);
    Loader loader(data, 3, {.batch_size = 4, .shuffle = true, .seed = 5, .workers = 2});
    EXPECT_EQ(loader.steps_per_epoch(), 3);
    for (int epoch = 0; epoch < 3; ++epoch) {
        loader.start_epoch(epoch);
        std::vector<int64_t> sizes;
        std::vector<float> firsts;
        while (const Batch* batch = loader.next()) {
            sizes.push_back(batch->x.rows());
            for (int64_t r = 0; r < batch->x.rows(); ++r) firsts.push_back(batch->x[r * 4]);
        }
        EXPECT_THAT(sizes, ElementsAre(4, 4, 2));
        std::vector<float> expected;
        for (int64_t i = 0; i < 10; ++i) expected.push_back(scaled(data.image(i)[0]));
        std::sort(firsts.begin(), firsts.end());
        std::sort(expected.begin(), expected.end());
        EXPECT_EQ(firsts, expected) << "epoch " << epoch;
    }
}

TEST(Loader, ShufflesDifferentlyEachEpochAndNotAtAllWhenOff) {
    const Dataset data = synthetic_images(50, 3, Shape{2, 2, 1}, 2);
    EXPECT_NE(epoch_values(data, {.batch_size = 8, .seed = 1, .workers = 0}, 0),
              epoch_values(data, {.batch_size = 8, .seed = 1, .workers = 0}, 1));
    EXPECT_NE(epoch_values(data, {.batch_size = 8, .seed = 1, .workers = 0}, 0),
              epoch_values(data, {.batch_size = 8, .seed = 2, .workers = 0}, 0));
    EXPECT_EQ(epoch_values(data, {.batch_size = 8, .shuffle = false, .workers = 0}, 0),
              epoch_values(data, {.batch_size = 8, .shuffle = false, .workers = 0}, 1));
}

TEST(Loader, SameBatchesWhateverTheWorkersAndPrefetch) {
    const Dataset data = synthetic_images(300, 3, Shape{4, 4, 3}, 3);
    const auto reference = epoch_values(data, {.batch_size = 16, .seed = 9, .workers = 0}, 2);
    for (int workers : {1, 2, 3}) {
        for (int prefetch : {1, 2, 5}) {
            EXPECT_EQ(epoch_values(data, {.batch_size = 16, .seed = 9, .workers = workers, .prefetch = prefetch}, 2),
                      reference)
                << workers << " workers, prefetch " << prefetch;
        }
    }
}

TEST(Loader, WhitensWholeBatchesAsEachImageAloneWould) {
    const Dataset data = synthetic_images(60, 3, Shape{4, 4, 3}, 3);
    AugmentConfig config;
    config.zca_whitening = true;
    Augmenter augmenter(config, data.image_shape);
    augmenter.fit(data);
    const auto batched = epoch_values(data, {.batch_size = 16, .shuffle = false, .augmenter = &augmenter}, 0);
    const auto threaded = epoch_values(
        data, {.batch_size = 16, .shuffle = false, .augmenter = &augmenter, .workers = 2, .prefetch = 3}, 0);
    EXPECT_EQ(batched, threaded);
    // Batches of 16, 16, 16 and 12 images: x values then y values; compare the x part with per-image whitening.
    std::vector<float> expected(48);
    size_t at = 0;
    for (int64_t i = 0; i < data.size(); ++i) {
        augmenter.standardize(data.image(i), expected.data());
        for (size_t v = 0; v < 48; ++v) EXPECT_NEAR(batched[at + v], expected[v], 1e-4) << i << ", " << v;
        at += 48;
        if ((i + 1) % 16 == 0 || i + 1 == data.size()) at += static_cast<size_t>(((i % 16) + 1) * 3);  // skip y
    }
    EXPECT_EQ(at, batched.size());
}

TEST(Loader, RejectsBadOptionsAndLabels) {
    const Dataset data = three_images();
    EXPECT_THROW(Loader(data, 3, {.batch_size = 0}), KeyError);
    EXPECT_THROW(Loader(data, 3, {.workers = -1}), KeyError);
    EXPECT_THROW(Loader(data, 3, {.prefetch = 0}), KeyError);
    try {
        Loader loader(data, 2, {});
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_THAT(error.what(), HasSubstr("label 2"));
    }
    EXPECT_THROW(Loader(data.take(0), 3, {}), Error);
}

TEST(Loader, CopiesFloatFeaturesAsTheyAreAndGivesABinaryClassifierItsLabel) {
    Dataset data;
    data.kind = ExampleKind::features;
    data.image_shape = Shape{2};
    data.features = {0.25f, -3, 1e6f, 7};
    data.labels = {1, 0};
    data.class_names = {"no", "yes"};
    Loader loader(data, 1, {.batch_size = 2, .shuffle = false});  // one output: y is the 0/1 label
    loader.start_epoch(0);
    const Batch* batch = loader.next();
    EXPECT_EQ(batch->x.shape(), (Shape{2, 2}));
    EXPECT_THAT(std::vector<float>(batch->x.data(), batch->x.data() + 4), ElementsAre(0.25f, -3, 1e6f, 7));
    EXPECT_EQ(batch->y.shape(), (Shape{2, 1}));
    EXPECT_THAT(std::vector<float>(batch->y.data(), batch->y.data() + 2), ElementsAre(1.0f, 0.0f));
    data.labels = {2, 0};
    EXPECT_THAT(testing::error_message([&] { Loader(data, 1, {}); }),
                HasSubstr("a model with one output is a binary classifier: labels 0 and 1"));
}

TEST(DatasetTake, KeepsTheFirstExamplesAndTheMetadata) {
    const Dataset data = three_images();
    const Dataset two = data.take(2);
    EXPECT_EQ(two.size(), 2);
    EXPECT_THAT(two.labels, ElementsAre(2, 0));
    EXPECT_EQ(two.images, std::vector<uint8_t>(data.images.begin(), data.images.begin() + 24));
    EXPECT_EQ(two.image_shape, data.image_shape);
    EXPECT_EQ(two.class_names, data.class_names);
    EXPECT_EQ(data.take(100).size(), 3);
    EXPECT_EQ(data.take(-5).size(), 0);
}

TEST(DatasetSlice, TakesAMiddleRangeAndClamps) {
    const Dataset data = three_images();
    const Dataset last = data.slice(1, 5);
    EXPECT_THAT(last.labels, ElementsAre(0, 1));
    EXPECT_EQ(last.images, std::vector<uint8_t>(data.images.begin() + 12, data.images.end()));
    EXPECT_EQ(data.slice(3, 2).size(), 0);
}

}  // namespace
}  // namespace nnlab
