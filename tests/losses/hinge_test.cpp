// Tests for Hinge (Keras: losses.Hinge): values, the 0/1 → −1/+1 label mapping, gradient, shape check.
#include "nnlab/losses/hinge.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <vector>

#include "nnlab/core/error.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/tensor_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatNear;
using ::testing::HasSubstr;
using testing::tensor;
using testing::values;

TEST(Hinge, MatchesKerasDocumentedExampleWithBinaryLabels) {
    // Keras's docstring: y_true [[0, 1], [0, 0]] is binary, so it becomes [[−1, 1], [−1, −1]].
    // Margins 1 − y·ŷ: 1 + 0.6 = 1.6, 1 − 0.4 = 0.6 | 1 + 0.4 = 1.4, 1 + 0.6 = 1.6.
    // Row means 1.1 and 1.5; batch mean 1.3.
    const Hinge loss;
    const Tensor y_true = tensor({2, 2}, {0, 1, 0, 0});
    const Tensor y_pred = tensor({2, 2}, {0.6f, 0.4f, 0.4f, 0.6f});
    Tensor grad({2, 2});
    EXPECT_NEAR(loss.compute(y_pred, y_true, &grad), 1.3, 1e-6);
    // Every margin is positive: ∂/∂ŷ = −y' / (N·C) = −(−1, 1, −1, −1) / 4.
    EXPECT_THAT(values(grad), ElementsAre(FloatNear(0.25f, 1e-7f), FloatNear(-0.25f, 1e-7f), FloatNear(0.25f, 1e-7f),
                                          FloatNear(0.25f, 1e-7f)));
}

TEST(Hinge, SignedLabelsAreUsedAsGiven) {
    // y = (−1, 1 | 1, −1), ŷ = (0.5, 2 | 0.3, −0.2).
    // Margins: 1 + 0.5 = 1.5, 1 − 2 = −1 → 0 | 1 − 0.3 = 0.7, 1 − 0.2 = 0.8.
    // Row means 0.75 and 0.75; batch mean 0.75. Gradient −y/4 where the margin is positive, else 0.
    const Hinge loss;
    const Tensor y_true = tensor({2, 2}, {-1, 1, 1, -1});
    const Tensor y_pred = tensor({2, 2}, {0.5f, 2.0f, 0.3f, -0.2f});
    Tensor grad({2, 2});
    EXPECT_NEAR(loss.compute(y_pred, y_true, &grad), 0.75, 1e-6);
    EXPECT_THAT(values(grad), ElementsAre(FloatNear(0.25f, 1e-7f), FloatNear(0.0f, 1e-7f), FloatNear(-0.25f, 1e-7f),
                                          FloatNear(0.25f, 1e-7f)));
}

TEST(Hinge, ZeroOneLabelsMeanTheSameAsMinusOnePlusOne) {
    // (0, 1 | 1, 0) maps to (−1, 1 | 1, −1): the same loss (0.75) and gradient as the test above.
    const Hinge loss;
    const Tensor y_pred = tensor({2, 2}, {0.5f, 2.0f, 0.3f, -0.2f});
    Tensor binary_grad({2, 2});
    Tensor signed_grad({2, 2});
    const double binary = loss.compute(y_pred, tensor({2, 2}, {0, 1, 1, 0}), &binary_grad);
    const double signed_ = loss.compute(y_pred, tensor({2, 2}, {-1, 1, 1, -1}), &signed_grad);
    EXPECT_NEAR(binary, 0.75, 1e-6);
    EXPECT_DOUBLE_EQ(binary, signed_);
    EXPECT_EQ(values(binary_grad), values(signed_grad));
}

TEST(Hinge, MapsOnlyWhenTheWholeBatchIsZeroOrOne) {
    // Keras checks all labels at once: (0, 1 | −1, 1) is not binary, so the 0 stays 0.
    // Margins 1 − y·ŷ with ŷ = 0.5 everywhere: 1 − 0 = 1, 0.5 | 1.5, 0.5. Row means 0.75, 1.0; mean 0.875.
    // (Had the 0 been mapped to −1 the first margin would be 1.5 and the mean 1.0.)
    const Hinge loss;
    const Tensor y_true = tensor({2, 2}, {0, 1, -1, 1});
    const Tensor y_pred = tensor({2, 2}, {0.5f, 0.5f, 0.5f, 0.5f});
    EXPECT_NEAR(loss.compute(y_pred, y_true, nullptr), 0.875, 1e-6);
}

TEST(Hinge, RejectsShapeMismatchNamingBothShapes) {
    const Hinge loss;
    try {
        loss.compute(Tensor({4, 2}), Tensor({4, 3}), nullptr);
        FAIL() << "expected nnlab::Error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("hinge"));
        EXPECT_THAT(e.what(), HasSubstr("y_pred (4, 2)"));
        EXPECT_THAT(e.what(), HasSubstr("y_true (4, 3)"));
    }
}

TEST(Hinge, GradientMatchesCentralDifferencesAwayFromKinks) {
    // Every margin 1 − y·ŷ is at least 0.3 away from 0, far more than the 0.01 difference step.
    const Hinge loss;
    const Tensor y_true = tensor({3, 3}, {1, -1, 1, -1, -1, 1, 1, 1, -1});
    const Tensor y_pred = tensor({3, 3}, {0.2f, 0.5f, 1.5f, -2.0f, 0.3f, -0.4f, 0.6f, 1.8f, -0.7f});
    EXPECT_LOSS_GRADIENTS_OK(loss, y_pred, y_true);
}

}  // namespace
}  // namespace nnlab
