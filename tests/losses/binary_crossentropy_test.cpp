// Tests of BinaryCrossentropy (Keras: losses.BinaryCrossentropy) and SparseCategoricalCrossentropy: Keras's
// documented values, hand-computed gradients, the gradient checker, label smoothing, clipping and the registry.
#include "nnlab/losses/binary_crossentropy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/losses/sparse_categorical_crossentropy.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/tensor_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using testing::error_message;
using ::testing::FloatNear;
using ::testing::HasSubstr;
using testing::tensor;
using testing::values;

TEST(BinaryCrossentropy, MatchesKerasOnProbabilities) {
    // keras.ops.binary_crossentropy([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.2]) = [0.10536, 0.10536, 0.22314, 0.22314]:
    // −log 0.9 and −log 0.8; the loss is their mean.
    const BinaryCrossentropy loss;
    Tensor grad({4, 1});
    const double expected = (2 * -std::log(0.9) + 2 * -std::log(0.8)) / 4;
    EXPECT_NEAR(loss.compute(tensor({4, 1}, {0.1f, 0.9f, 0.8f, 0.2f}), tensor({4, 1}, {0, 1, 1, 0}), &grad), expected,
                1e-7);
    // ∂/∂p = (−y/p + (1 − y)/(1 − p)) / 4.
    EXPECT_THAT(values(grad), ElementsAre(FloatNear(1 / 0.9f / 4, 1e-6f), FloatNear(-1 / 0.9f / 4, 1e-6f),
                                          FloatNear(-1 / 0.8f / 4, 1e-6f), FloatNear(1 / 0.8f / 4, 1e-6f)));
}

TEST(BinaryCrossentropy, MatchesKerasOnLogits) {
    // Keras's docstring: BinaryCrossentropy(from_logits=True)([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8]) = 0.865.
    const BinaryCrossentropy loss(true);
    const Tensor z = tensor({1, 4}, {-18.6f, 0.51f, 2.94f, -12.8f});
    Tensor grad({1, 4});
    double expected = 0.0;
    const double y[] = {0, 1, 0, 0};
    for (int i = 0; i < 4; ++i)
        expected += std::max<double>(z[i], 0) - z[i] * y[i] + std::log1p(std::exp(-std::abs(z[i])));
    EXPECT_NEAR(loss.compute(z, tensor({1, 4}, {0, 1, 0, 0}), &grad), expected / 4, 1e-7);
    EXPECT_NEAR(expected / 4, 0.865, 5e-4);
    // ∂/∂z = (sigmoid(z) − y) / 4.
    EXPECT_NEAR(grad[1], (1 / (1 + std::exp(-0.51)) - 1) / 4, 1e-7);
    EXPECT_NEAR(grad[2], 1 / (1 + std::exp(-2.94)) / 4, 1e-7);
}

TEST(BinaryCrossentropy, SmoothsLabelsTowardOneHalfAndClipsProbabilities) {
    // label_smoothing 0.2: the target 1 becomes 0.9, so −(0.9 log 0.8 + 0.1 log 0.2).
    EXPECT_NEAR(BinaryCrossentropy(false, 0.2).compute(tensor({1, 1}, {0.8f}), tensor({1, 1}, {1}), nullptr),
                -(0.9 * std::log(0.8) + 0.1 * std::log(0.2)), 1e-6);
    // p = 0 with y = 1 is clipped to 1e-7: −log 1e-7, and no gradient through the clip.
    Tensor grad({1, 1});
    EXPECT_NEAR(BinaryCrossentropy().compute(tensor({1, 1}, {0.0f}), tensor({1, 1}, {1}), &grad), -std::log(1e-7),
                1e-6);
    EXPECT_EQ(grad[0], 0.0f);
    EXPECT_THAT(error_message([] { BinaryCrossentropy(false, 1.5); }),
                HasSubstr("label_smoothing: expected a number in [0, 1]"));
}

TEST(BinaryCrossentropy, GradientsPassTheChecker) {
    const Tensor y_true = tensor({3, 2}, {0, 1, 1, 1, 0, 0});
    EXPECT_LOSS_GRADIENTS_OK(BinaryCrossentropy(), tensor({3, 2}, {0.2f, 0.7f, 0.55f, 0.9f, 0.35f, 0.1f}), y_true,
                             {.step = 1e-4});
    EXPECT_LOSS_GRADIENTS_OK(BinaryCrossentropy(true, 0.1), tensor({3, 2}, {-1.5f, 0.3f, 2.0f, -0.2f, 0.8f, -3.0f}),
                             y_true);
}

TEST(BinaryCrossentropy, RefusesDifferentShapes) {
    EXPECT_THAT(error_message([] {
                    BinaryCrossentropy().compute(tensor({2, 1}, {0.5f, 0.5f}), tensor({1, 2}, {0, 1}), nullptr);
                }),
                HasSubstr("binary_crossentropy: expected y_pred and y_true of the same shape"));
}

TEST(SparseCategoricalCrossentropy, MatchesKerasWithClassIndices) {
    // Keras's docstring: y_true [1, 2], y_pred [[0.05, 0.95, 0], [0.1, 0.8, 0.1]] → 1.177 = (−log 0.95 − log 0.1) / 2.
    const SparseCategoricalCrossentropy loss;
    const Tensor probs = tensor({2, 3}, {0.05f, 0.95f, 0.0f, 0.1f, 0.8f, 0.1f});
    const double expected = (-std::log(0.95) - std::log(0.1)) / 2;
    EXPECT_NEAR(loss.compute(probs, tensor({2, 1}, {1, 2}), nullptr), expected, 1e-6);
    EXPECT_NEAR(loss.compute(probs, tensor({2}, {1, 2}), nullptr), expected, 1e-6);
    // The loader's one-hot rows of the same labels give the same value and gradient as categorical_crossentropy.
    const Tensor one_hot = tensor({2, 3}, {0, 1, 0, 0, 0, 1});
    Tensor sparse_grad({2, 3}), dense_grad({2, 3});
    EXPECT_DOUBLE_EQ(loss.compute(probs, one_hot, &sparse_grad),
                     CategoricalCrossentropy().compute(probs, one_hot, &dense_grad));
    EXPECT_EQ(values(sparse_grad), values(dense_grad));
    Tensor from_indices({2, 3});
    loss.compute(probs, tensor({2, 1}, {1, 2}), &from_indices);
    EXPECT_EQ(values(from_indices), values(dense_grad));
    EXPECT_TRUE(loss.fuses_with_softmax());
    EXPECT_EQ(testing::check_fused_softmax_gradients(loss, tensor({2, 3}, {0.5f, -1, 2, 0, 0.3f, -0.4f}),
                                                     tensor({2, 1}, {2, 0})),
              "");
}

TEST(SparseCategoricalCrossentropy, NamesABadIndex) {
    const SparseCategoricalCrossentropy loss;
    const Tensor probs = tensor({2, 3}, {0.2f, 0.3f, 0.5f, 0.1f, 0.8f, 0.1f});
    EXPECT_THAT(error_message([&] {
                    loss.compute(probs, tensor({2, 1}, {1, 3}), nullptr);
                }),
                HasSubstr("row 1 has the label 3; expected a class index from 0 to 2"));
    EXPECT_THAT(error_message([&] {
                    loss.compute(probs, tensor({2, 1}, {0.5f, 1}), nullptr);
                }),
                HasSubstr("row 0 has the label 0.5"));
    EXPECT_THAT(error_message([&] {
                    loss.compute(probs, tensor({3, 1}, {0, 1, 2}), nullptr);
                }),
                HasSubstr("expected y_true of class indices (2, 1)"));
}

TEST(BinaryCrossentropy, TheRegistryMakesBothLossesByTheirKerasNames) {
    EXPECT_EQ(make_loss("binary_crossentropy")->name(), "binary_crossentropy");
    EXPECT_EQ(make_loss("BinaryCrossentropy")->name(), "binary_crossentropy");
    EXPECT_EQ(make_loss("sparse_categorical_crossentropy")->name(), "sparse_categorical_crossentropy");
    const config::Description description{{"type", "binary_crossentropy"}, {"from_logits", true}};
    const auto loss = loss_from(config::Reader(description, "loss"));
    EXPECT_EQ(loss_description(*loss)["from_logits"], true);
}

}  // namespace
}  // namespace nnlab
