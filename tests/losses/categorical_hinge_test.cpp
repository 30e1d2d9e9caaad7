// Tests for CategoricalHinge (Keras: losses.CategoricalHinge): values, gradient, shape check.
#include "nnlab/losses/categorical_hinge.hpp"

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

TEST(CategoricalHinge, MatchesKerasDocumentedExample) {
    // Keras's docstring: y_true [[0, 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]].
    // Row 1: pos = 0.4, neg = max(0.6, 0) = 0.6, 0.6 − 0.4 + 1 = 1.2.
    // Row 2: pos = 0, neg = max(0.4, 0.6) = 0.6, 0.6 − 0 + 1 = 1.6. Mean (1.2 + 1.6) / 2 = 1.4.
    const CategoricalHinge loss;
    const Tensor y_true = tensor({2, 2}, {0, 1, 0, 0});
    const Tensor y_pred = tensor({2, 2}, {0.6f, 0.4f, 0.4f, 0.6f});
    Tensor grad({2, 2});
    EXPECT_NEAR(loss.compute(y_pred, y_true, &grad), 1.4, 1e-6);
    // Row 1: neg's argmax is class 0 → +(1 − 0); pos pulls class 1 by −1: (1, −1) / N = (0.5, −0.5).
    // Row 2: neg's argmax is class 1 → +1; y = 0 so pos adds nothing: (0, 1) / 2 = (0, 0.5).
    EXPECT_THAT(values(grad), ElementsAre(FloatNear(0.5f, 1e-7f), FloatNear(-0.5f, 1e-7f), FloatNear(0.0f, 1e-7f),
                                          FloatNear(0.5f, 1e-7f)));
}

TEST(CategoricalHinge, IsZeroWithZeroGradientBeyondTheMargin) {
    // pos = 3, neg = max(0.1, 0.2, 0) = 0.2: 0.2 − 3 + 1 = −1.8 → 0.
    const CategoricalHinge loss;
    Tensor grad({1, 3});
    EXPECT_EQ(loss.compute(tensor({1, 3}, {0.1f, 0.2f, 3.0f}), tensor({1, 3}, {0, 0, 1}), &grad), 0.0);
    EXPECT_THAT(values(grad), ElementsAre(0.0f, 0.0f, 0.0f));
}

TEST(CategoricalHinge, NegCanSitOnTheTrueClass) {
    // All wrong-class scores are negative, so (1 − y)·ŷ = (−0.5, 0, −0.2) peaks at the true class with 0:
    // pos = 0.3, neg = 0, loss 0 − 0.3 + 1 = 0.7. There ∂neg/∂ŷ = 1 − y = 0, so only pos moves: (0, −1, 0).
    const CategoricalHinge loss;
    Tensor grad({1, 3});
    EXPECT_NEAR(loss.compute(tensor({1, 3}, {-0.5f, 0.3f, -0.2f}), tensor({1, 3}, {0, 1, 0}), &grad), 0.7, 1e-6);
    EXPECT_THAT(values(grad), ElementsAre(FloatNear(0.0f, 1e-7f), FloatNear(-1.0f, 1e-7f), FloatNear(0.0f, 1e-7f)));
}

TEST(CategoricalHinge, SignedLabelsDoubleTheNegativeTerm) {
    // Keras also accepts −1/+1 labels, used as given: (1 − y)·ŷ = (2·0.4, 0·0.9, 2·0.1) → neg = 0.8 at class 0;
    // pos = −0.4 + 0.9 − 0.1 = 0.4; loss 0.8 − 0.4 + 1 = 1.4. Gradient (1 − y) at the argmax minus y:
    // (2 − (−1), −1, −(−1)) = (3, −1, 1).
    const CategoricalHinge loss;
    Tensor grad({1, 3});
    EXPECT_NEAR(loss.compute(tensor({1, 3}, {0.4f, 0.9f, 0.1f}), tensor({1, 3}, {-1, 1, -1}), &grad), 1.4, 1e-6);
    EXPECT_THAT(values(grad), ElementsAre(FloatNear(3.0f, 1e-6f), FloatNear(-1.0f, 1e-6f), FloatNear(1.0f, 1e-6f)));
}

TEST(CategoricalHinge, RejectsShapeMismatchNamingBothShapes) {
    const CategoricalHinge loss;
    try {
        loss.compute(Tensor({2, 5}), Tensor({3, 5}), nullptr);
        FAIL() << "expected nnlab::Error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("categorical_hinge"));
        EXPECT_THAT(e.what(), HasSubstr("y_pred (2, 5)"));
        EXPECT_THAT(e.what(), HasSubstr("y_true (3, 5)"));
    }
}

TEST(CategoricalHinge, GradientMatchesCentralDifferencesAwayFromKinks) {
    // Every row has a positive margin and a wrong-class maximum at least 0.3 above the runner-up.
    const CategoricalHinge loss;
    const Tensor y_true = tensor({3, 4}, {1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0});
    const Tensor y_pred = tensor({3, 4}, {0.2f, 0.9f, -0.3f, 0.1f, 1.2f, -0.5f, 0.4f, 0.3f, -0.2f, 0.1f, 0.6f, 1.1f});
    EXPECT_LOSS_GRADIENTS_OK(loss, y_pred, y_true);
}

}  // namespace
}  // namespace nnlab
