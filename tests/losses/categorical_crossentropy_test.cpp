// Tests for CategoricalCrossentropy (Keras: losses.CategoricalCrossentropy): values, clipping, gradients.
#include "nnlab/losses/categorical_crossentropy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/core/rng.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/tensor_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatNear;
using ::testing::HasSubstr;
using testing::tensor;
using testing::values;

TEST(CategoricalCrossentropy, MatchesKerasDocumentedExample) {
    // Keras's docstring: y_pred rows are already normalised; the 0 is clipped to 1e-7 but has y = 0.
    // per sample −log(0.95) = 0.0512933, −log(0.1) = 2.3025851; mean (0.0512933 + 2.3025851) / 2 = 1.1769392.
    const CategoricalCrossentropy loss;
    const Tensor y_true = tensor({2, 3}, {0, 1, 0, 0, 0, 1});
    const Tensor y_pred = tensor({2, 3}, {0.05f, 0.95f, 0.0f, 0.1f, 0.8f, 0.1f});
    EXPECT_NEAR(loss.compute(y_pred, y_true, nullptr), 1.1769392, 1e-6);
}

TEST(CategoricalCrossentropy, NormalisesRowsBySum) {
    // Row 1 sums to 1: −log(0.6) = 0.5108256. Row 2 = (0.5, 0.5, 1.0) sums to 2, so it is read as
    // (0.25, 0.25, 0.5): −log(0.5) = 0.6931472. Mean (0.5108256 + 0.6931472) / 2 = 0.6019864.
    const CategoricalCrossentropy loss;
    const Tensor y_true = tensor({2, 3}, {0, 1, 0, 0, 0, 1});
    const Tensor y_pred = tensor({2, 3}, {0.1f, 0.6f, 0.3f, 0.5f, 0.5f, 1.0f});
    EXPECT_NEAR(loss.compute(y_pred, y_true, nullptr), 0.6019864, 1e-6);
}

TEST(CategoricalCrossentropy, GradientAccountsForTheRowSum) {
    // L = −log(p3 / s) with s = p1 + p2 + p3 = 2: ∂L/∂p1 = ∂L/∂p2 = 1/s = 0.5; ∂L/∂p3 = −1/p3 + 1/s = −0.5.
    const CategoricalCrossentropy loss;
    const Tensor y_true = tensor({1, 3}, {0, 0, 1});
    const Tensor y_pred = tensor({1, 3}, {0.5f, 0.5f, 1.0f});
    Tensor grad({1, 3});
    loss.compute(y_pred, y_true, &grad);
    EXPECT_THAT(values(grad), ElementsAre(FloatNear(0.5f, 1e-6f), FloatNear(0.5f, 1e-6f), FloatNear(-0.5f, 1e-6f)));
}

TEST(CategoricalCrossentropy, GradientIsTheMeanOverTheBatch) {
    // Two identical rows: each contributes half of the single-row gradient (0.5, 0.5, −0.5) / 2.
    const CategoricalCrossentropy loss;
    const Tensor y_true = tensor({2, 3}, {0, 0, 1, 0, 0, 1});
    const Tensor y_pred = tensor({2, 3}, {0.5f, 0.5f, 1.0f, 0.5f, 0.5f, 1.0f});
    Tensor grad({2, 3});
    loss.compute(y_pred, y_true, &grad);
    EXPECT_THAT(values(grad), ElementsAre(FloatNear(0.25f, 1e-6f), FloatNear(0.25f, 1e-6f), FloatNear(-0.25f, 1e-6f),
                                          FloatNear(0.25f, 1e-6f), FloatNear(0.25f, 1e-6f), FloatNear(-0.25f, 1e-6f)));
}

TEST(CategoricalCrossentropy, ClipsZeroProbabilityToEpsilon) {
    // The true class has p = 0: clipped to 1e-7, so the loss is −log(1e-7) = 16.1180957 rather than inf,
    // and the clip's gradient is 0 (every other class has y = 0, so the whole gradient is 0).
    const CategoricalCrossentropy loss;
    const Tensor y_true = tensor({1, 3}, {1, 0, 0});
    const Tensor y_pred = tensor({1, 3}, {0.0f, 1.0f, 0.0f});
    Tensor grad({1, 3});
    EXPECT_NEAR(loss.compute(y_pred, y_true, &grad), 16.1180957, 1e-6);
    EXPECT_THAT(values(grad), ElementsAre(0.0f, 0.0f, 0.0f));
}

TEST(CategoricalCrossentropy, ClipsCertaintyToOneMinusEpsilon) {
    // p = 1 on the true class: clipped to 1 − 1e-7, so the loss is −log(1 − 1e-7) ≈ 1.0000000500e-7, not 0.
    const CategoricalCrossentropy loss;
    const Tensor y_true = tensor({1, 3}, {0, 1, 0});
    const Tensor y_pred = tensor({1, 3}, {0.0f, 1.0f, 0.0f});
    Tensor grad({1, 3});
    EXPECT_NEAR(loss.compute(y_pred, y_true, &grad), 1.00000005e-7, 1e-13);
    EXPECT_THAT(values(grad), ElementsAre(0.0f, 0.0f, 0.0f));
}

TEST(CategoricalCrossentropy, RejectsShapeMismatchNamingBothShapes) {
    const CategoricalCrossentropy loss;
    const Tensor y_pred({2, 3});
    const Tensor y_true({2, 4});
    try {
        loss.compute(y_pred, y_true, nullptr);
        FAIL() << "expected nnlab::Error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("categorical_crossentropy"));
        EXPECT_THAT(e.what(), HasSubstr("y_pred (2, 3)"));
        EXPECT_THAT(e.what(), HasSubstr("y_true (2, 4)"));
    }
}

TEST(CategoricalCrossentropy, FusedSoftmaxGivesTheSameValueAndProbsMinusLabelsOverN) {
    // probs rows sum to 1; loss = (−log 0.5 − log 0.6) / 2 = (0.6931472 + 0.5108256) / 2 = 0.6019864;
    // dlogits = (p − y) / 2 = (0.1, 0.15, −0.25 | 0.1, −0.2, 0.1).
    const CategoricalCrossentropy loss;
    EXPECT_TRUE(loss.fuses_with_softmax());
    const Tensor y_true = tensor({2, 3}, {0, 0, 1, 0, 1, 0});
    const Tensor probs = tensor({2, 3}, {0.2f, 0.3f, 0.5f, 0.2f, 0.6f, 0.2f});
    Tensor dlogits({2, 3});
    EXPECT_NEAR(loss.compute_from_softmax(probs, y_true, dlogits), 0.6019864, 1e-6);
    EXPECT_NEAR(loss.compute_from_softmax(probs, y_true, dlogits), loss.compute(probs, y_true, nullptr), 1e-12);
    EXPECT_THAT(values(dlogits), ElementsAre(FloatNear(0.1f, 1e-6f), FloatNear(0.15f, 1e-6f), FloatNear(-0.25f, 1e-6f),
                                             FloatNear(0.1f, 1e-6f), FloatNear(-0.2f, 1e-6f), FloatNear(0.1f, 1e-6f)));
}

// Random unnormalised probabilities in [0.2, 1] (far from the clip) and the given labels.
Tensor random_probabilities(Shape shape, uint64_t seed) {
    Rng rng(seed);
    Tensor t(std::move(shape));
    for (float& v : t.values()) v = static_cast<float>(rng.uniform(0.2, 1.0));
    return t;
}

TEST(CategoricalCrossentropy, GradientMatchesCentralDifferences) {
    const CategoricalCrossentropy loss;
    const Tensor y_true = tensor({4, 5}, {1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0});
    EXPECT_LOSS_GRADIENTS_OK(loss, random_probabilities({4, 5}, 7), y_true);
}

TEST(CategoricalCrossentropy, GradientMatchesCentralDifferencesWithSoftLabels) {
    // Labels that do not sum to 1 exercise the row-sum term on every class.
    const CategoricalCrossentropy loss;
    const Tensor y_true = tensor({2, 4}, {0.5f, 0.2f, 0.0f, 0.1f, 0.3f, 0.3f, 0.6f, 0.0f});
    EXPECT_LOSS_GRADIENTS_OK(loss, random_probabilities({2, 4}, 11), y_true);
}

TEST(CategoricalCrossentropy, FusedSoftmaxGradientMatchesCentralDifferences) {
    const CategoricalCrossentropy loss;
    Rng rng(3);
    Tensor logits({4, 5});
    for (float& v : logits.values()) v = static_cast<float>(rng.uniform(-2.0, 2.0));
    const Tensor y_true = tensor({4, 5}, {0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0});
    EXPECT_EQ(testing::check_fused_softmax_gradients(loss, logits, y_true), "");
}

TEST(CategoricalCrossentropy, LabelSmoothingMixesTheTargetsWithTheUniformDistribution) {
    // Keras: y' = y · (1 − 0.3) + 0.3 / 3 = (0.1, 0.8, 0.1) for y = (0, 1, 0).
    // −(0.1 · ln 0.2 + 0.8 · ln 0.5 + 0.1 · ln 0.3) = 0.16094379 + 0.55451774 + 0.12039728 = 0.83585881.
    const CategoricalCrossentropy loss(0.3);
    EXPECT_DOUBLE_EQ(loss.label_smoothing(), 0.3);
    const Tensor y_true = tensor({1, 3}, {0, 1, 0});
    const Tensor probs = tensor({1, 3}, {0.2f, 0.5f, 0.3f});
    EXPECT_NEAR(loss.compute(probs, y_true, nullptr), 0.83585881, 1e-6);
    // The fused gradient is p − y' = (0.1, −0.3, 0.2), over N = 1.
    Tensor dlogits({1, 3});
    EXPECT_NEAR(loss.compute_from_softmax(probs, y_true, dlogits), 0.83585881, 1e-6);
    EXPECT_THAT(values(dlogits), ElementsAre(FloatNear(0.1f, 1e-6f), FloatNear(-0.3f, 1e-6f), FloatNear(0.2f, 1e-6f)));
    // Through compute(): ∂L/∂p_j = −y'_j / p_j (the rows sum to 1, so the row-sum term adds Σ y' = 1):
    // (−0.5 + 1, −1.6 + 1, −0.3333 + 1) = (0.5, −0.6, 0.6667).
    Tensor grad({1, 3});
    loss.compute(probs, y_true, &grad);
    EXPECT_THAT(values(grad),
                ElementsAre(FloatNear(0.5f, 1e-6f), FloatNear(-0.6f, 1e-6f), FloatNear(0.6666667f, 1e-6f)));
}

TEST(CategoricalCrossentropy, FullSmoothingIsTheUniformTarget) {
    // ls = 1: y' = 1/C everywhere, whatever the label: −ln(p) averaged = −(ln 0.2 + ln 0.5 + ln 0.3) / 3.
    const CategoricalCrossentropy loss(1.0);
    const Tensor probs = tensor({1, 3}, {0.2f, 0.5f, 0.3f});
    const double expected = -(std::log(0.2) + std::log(0.5) + std::log(0.3)) / 3.0;
    EXPECT_NEAR(loss.compute(probs, tensor({1, 3}, {1, 0, 0}), nullptr), expected, 1e-6);
    EXPECT_NEAR(loss.compute(probs, tensor({1, 3}, {0, 0, 1}), nullptr), expected, 1e-6);
}

TEST(CategoricalCrossentropy, ZeroSmoothingIsBitIdenticalToNone) {
    const CategoricalCrossentropy plain, zero(0.0);
    const Tensor y_true = tensor({2, 3}, {0, 1, 0, 0, 0, 1});
    const Tensor probs = random_probabilities({2, 3}, 5);
    Tensor g1({2, 3}), g2({2, 3});
    EXPECT_EQ(plain.compute(probs, y_true, &g1), zero.compute(probs, y_true, &g2));
    EXPECT_EQ(values(g1), values(g2));
    EXPECT_EQ(plain.compute_from_softmax(probs, y_true, g1), zero.compute_from_softmax(probs, y_true, g2));
    EXPECT_EQ(values(g1), values(g2));
}

TEST(CategoricalCrossentropy, SmoothedGradientsMatchCentralDifferences) {
    const CategoricalCrossentropy loss(0.2);
    const Tensor y_true = tensor({4, 5}, {1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0});
    EXPECT_LOSS_GRADIENTS_OK(loss, random_probabilities({4, 5}, 13), y_true);
    Rng rng(9);
    Tensor logits({4, 5});
    for (float& v : logits.values()) v = static_cast<float>(rng.uniform(-2.0, 2.0));
    EXPECT_EQ(testing::check_fused_softmax_gradients(loss, logits, y_true), "");
}

TEST(CategoricalCrossentropy, LabelSmoothingOutsideZeroToOneIsAKeyError) {
    for (double bad : {-0.1, 1.5}) {
        try {
            CategoricalCrossentropy loss(bad);
            FAIL() << "expected KeyError for " << bad;
        } catch (const KeyError& e) {
            EXPECT_EQ(e.key(), "label_smoothing");
            EXPECT_THAT(e.what(), HasSubstr("expected a number in [0, 1]"));
        }
    }
}

}  // namespace
}  // namespace nnlab
