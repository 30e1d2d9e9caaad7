// Horizontal-flip test-time augmentation: the flip itself, flip symmetry, the mean it takes, and that it flips the
// standardised batch (after the augmenter), not the raw pixels.
#include "nnlab/train/test_time_augmentation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/optim/adam.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/synthetic_data.hpp"

namespace nnlab {
namespace {

using nnlab::testing::error_message;
using nnlab::testing::synthetic_images;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Shape image_shape{4, 5, 2};  // odd width, so the middle column stays in place

std::unique_ptr<Sequential> classifier(uint64_t seed) {
    auto model = std::make_unique<Sequential>();
    model->add(Input{image_shape});
    model->add(Flatten());
    model->add(Dense(7, "tanh"));
    model->add(Dense(3, "softmax"));
    model->compile(Adam(0.01), CategoricalCrossentropy(), {.seed = seed});
    return model;
}

// The dataset with every image mirrored left to right, on the uint8 pixels.
Dataset mirrored(const Dataset& data) {
    Dataset out = data;
    const int64_t height = data.image_shape[0], width = data.image_shape[1], channels = data.image_shape[2];
    for (int64_t i = 0; i < data.size(); ++i) {
        for (int64_t h = 0; h < height; ++h) {
            for (int64_t w = 0; w < width; ++w) {
                for (int64_t c = 0; c < channels; ++c) {
                    out.images[static_cast<size_t>(((i * height + h) * width + w) * channels + c)] =
                        data.images[static_cast<size_t>(((i * height + h) * width + (width - 1 - w)) * channels + c)];
                }
            }
        }
    }
    return out;
}

std::vector<float> values_of(const Tensor& t) {
    return {t.data(), t.data() + t.numel()};
}

TEST(FlipHorizontal, ReversesTheWidthAxisOnly) {
    // (2, 1, 3, 2): two images of one row, three pixels of two channels.
    Tensor x(Shape{2, 1, 3, 2});
    std::iota(x.data(), x.data() + x.numel(), 0.0f);
    Tensor y;
    flip_horizontal(x, y);
    EXPECT_EQ(y.shape(), x.shape());
    EXPECT_THAT(values_of(y), ElementsAre(4, 5, 2, 3, 0, 1, 10, 11, 8, 9, 6, 7));
}

TEST(FlipHorizontal, RejectsNonImagesAndWritingIntoItsInput) {
    Tensor flat(Shape{2, 6});
    Tensor y;
    EXPECT_THAT(error_message([&] { flip_horizontal(flat, y); }), HasSubstr("found (2, 6)"));
    Tensor x(Shape{1, 2, 2, 1});
    EXPECT_THAT(error_message([&] { flip_horizontal(x, x); }), HasSubstr("must not be the input"));
}

TEST(TestTimeAugmentation, WithoutTheFlipIsPlainPredict) {
    const Dataset data = synthetic_images(13, 3, image_shape, 7);
    auto model = classifier(1);
    const Tensor expected = model->predict(data, 4);
    const Tensor got = predict_probabilities(*model, data, {.batch_size = 4});
    EXPECT_EQ(values_of(got), values_of(expected));
}

TEST(TestTimeAugmentation, IsTheMeanOfPredictOnTheImagesAndOnTheirMirrors) {
    const Dataset data = synthetic_images(13, 3, image_shape, 7);  // 13 at batch 4: a short last batch
    auto model = classifier(1);
    const Tensor plain = model->predict(data, 4);
    const Tensor flipped = model->predict(mirrored(data), 4);
    const Tensor tta = predict_probabilities(*model, data, {.batch_size = 4, .horizontal_flip_tta = true});
    ASSERT_EQ(tta.shape(), (Shape{13, 3}));
    double changed = 0.0;
    for (int64_t i = 0; i < tta.numel(); ++i) {
        EXPECT_FLOAT_EQ(tta[i], (plain[i] + flipped[i]) / 2.0f) << i;
        changed += std::abs(tta[i] - plain[i]);
    }
    EXPECT_GT(changed, 1e-3) << "the flip made no difference; the test would not see a missing flip";
}

TEST(TestTimeAugmentation, OfTheMirroredImagesEqualsOfTheOriginals) {
    const Dataset data = synthetic_images(9, 3, image_shape, 3);
    auto model = classifier(2);
    const PredictOptions tta{.batch_size = 5, .horizontal_flip_tta = true};
    const Tensor original = predict_probabilities(*model, data, tta);
    const Tensor mirror = predict_probabilities(*model, mirrored(data), tta);
    for (int64_t i = 0; i < original.numel(); ++i) EXPECT_FLOAT_EQ(mirror[i], original[i]) << i;
}

TEST(TestTimeAugmentation, FlipsTheStandardisedBatch) {
    // ZCA whitening mixes pixels, so flipping before and after it differ: the flip must come after, on the batch
    // the model would see in evaluate().
    const Dataset data = synthetic_images(24, 3, image_shape, 5);
    AugmentConfig config;
    config.zca_whitening = true;
    config.zca_epsilon = 0.1;
    Augmenter augmenter(config, image_shape);
    augmenter.fit(data);
    auto model = classifier(3);
    Tensor x(Shape{data.size(), image_shape[0], image_shape[1], image_shape[2]});
    for (int64_t i = 0; i < data.size(); ++i) augmenter.standardize(data.image(i), x.data() + i * x.cols());
    Tensor x_flipped;
    flip_horizontal(x, x_flipped);
    const Tensor plain = model->predict(x, 8), flipped = model->predict(x_flipped, 8);
    const Tensor tta =
        predict_probabilities(*model, data, {.batch_size = 8, .augmenter = &augmenter, .horizontal_flip_tta = true});
    for (int64_t i = 0; i < tta.numel(); ++i) EXPECT_NEAR(tta[i], (plain[i] + flipped[i]) / 2.0f, 1e-5) << i;
    // Flipping the raw pixels first would give other outputs, so the check above can tell the two orders apart.
    const Dataset raw_mirrors = mirrored(data);
    for (int64_t i = 0; i < data.size(); ++i) augmenter.standardize(raw_mirrors.image(i), x.data() + i * x.cols());
    const Tensor flipped_first = model->predict(x, 8);
    double apart = 0.0;
    for (int64_t i = 0; i < tta.numel(); ++i) apart += std::abs(flipped_first[i] - flipped[i]);
    EXPECT_GT(apart, 1e-3);
}

TEST(TestTimeAugmentation, NamesBothShapesWhenTheImagesDoNotFit) {
    const Dataset data = synthetic_images(3, 3, Shape{5, 4, 2}, 1);
    auto model = classifier(1);
    const std::string message = error_message([&] { predict_probabilities(*model, data); });
    EXPECT_THAT(message, HasSubstr("takes images (4, 5, 2)"));
    EXPECT_THAT(message, HasSubstr("has images (5, 4, 2)"));
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

// The dataset with every image moved by (rows, cols) on the uint8 pixels, reflecting at the border as numpy's
// pad(mode="reflect") would: out[r, c] = in[reflect(r + rows), reflect(c + cols)].
Dataset shifted(const Dataset& data, int64_t rows, int64_t cols) {
    Dataset out = data;
    const int64_t height = data.image_shape[0], width = data.image_shape[1], channels = data.image_shape[2];
    auto reflect = [](int64_t i, int64_t n) { return i < 0 ? -i : i >= n ? 2 * n - 2 - i : i; };
    for (int64_t i = 0; i < data.size(); ++i)
        for (int64_t h = 0; h < height; ++h)
            for (int64_t w = 0; w < width; ++w)
                for (int64_t c = 0; c < channels; ++c)
                    out.images[static_cast<size_t>(((i * height + h) * width + w) * channels + c)] =
                        data.images[static_cast<size_t>(
                            ((i * height + reflect(h + rows, height)) * width + reflect(w + cols, width)) * channels +
                            c)];
    return out;
}

TEST(ShiftReflect, MovesThePictureAndReflectsWithoutRepeatingTheEdge) {
    // One 3×3 single-channel image 0..8.
    Tensor x(Shape{1, 3, 3, 1});
    std::iota(x.data(), x.data() + x.numel(), 0.0f);
    Tensor y;
    shift_reflect(x, y, 1, 1);  // up-left: y[r, c] = x[r + 1, c + 1], row/column 3 reflects to 1
    EXPECT_THAT(values_of(y), ElementsAre(4, 5, 4, 7, 8, 7, 4, 5, 4));
    shift_reflect(x, y, -1, -1);  // down-right: y[0, 0] = x[1, 1]
    EXPECT_THAT(values_of(y), ElementsAre(4, 3, 4, 1, 0, 1, 4, 3, 4));
    EXPECT_THAT(error_message([&] { shift_reflect(x, y, 3, 0); }), HasSubstr("does not fit"));
    EXPECT_THAT(error_message([&] { shift_reflect(x, x, 1, 1); }), HasSubstr("must not be the input"));
}

TEST(TestTimeAugmentation, LevelTwoAddsTheOnePixelTranslationsWeightedAQuarterEach) {
    const Dataset data = synthetic_images(13, 3, image_shape, 7);
    auto model = classifier(2);
    // m(d) = (p(d) + p(mirror d)) / 2; level 2 = m(x)/2 + m(x moved up-left)/4 + m(x moved down-right)/4.
    auto mirror_mean = [&](const Dataset& d) {
        const Tensor a = model->predict(d, 4), b = model->predict(mirrored(d), 4);
        std::vector<double> out(static_cast<size_t>(a.numel()));
        for (int64_t i = 0; i < a.numel(); ++i) out[static_cast<size_t>(i)] = (double(a[i]) + b[i]) / 2.0;
        return out;
    };
    const std::vector<double> centre = mirror_mean(data), up_left = mirror_mean(shifted(data, 1, 1)),
                              down_right = mirror_mean(shifted(data, -1, -1));
    const Tensor tta = predict_probabilities(*model, data, {.batch_size = 4, .tta_level = 2});
    const Tensor level_1 = predict_probabilities(*model, data, {.batch_size = 4, .tta_level = 1});
    double changed = 0.0;
    for (int64_t i = 0; i < tta.numel(); ++i) {
        const size_t j = static_cast<size_t>(i);
        EXPECT_NEAR(tta[i], 0.5 * centre[j] + 0.25 * up_left[j] + 0.25 * down_right[j], 1e-6) << i;
        EXPECT_NEAR(level_1[i], centre[j], 1e-6) << i;
        changed += std::abs(tta[i] - level_1[i]);
    }
    EXPECT_GT(changed, 1e-3) << "the translations made no difference; the test would not see them missing";
    EXPECT_THROW(predict_probabilities(*model, data, {.tta_level = 3}), Error);
    EXPECT_EQ(tta_suffix(2), ", horizontal-flip and translate TTA");
}

}  // namespace
}  // namespace nnlab
