// Tests for MeanSquaredError (Keras: losses.MeanSquaredError): values, gradient, shape check.
#include "nnlab/losses/mean_squared_error.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
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

TEST(MeanSquaredError, MatchesHandComputedValue) {
    // Row 1: ŷ − y = (−0.5, 2, −1), squares 0.25 + 4 + 1 = 5.25, mean over 3 = 1.75.
    // Row 2: ŷ − y = (0, −1, 0), squares 1, mean over 3 = 0.3333333.
    // Batch mean (1.75 + 0.3333333) / 2 = 1.0416667.
    const MeanSquaredError loss;
    const Tensor y_true = tensor({2, 3}, {1, 0, 0, 0, 2, 1});
    const Tensor y_pred = tensor({2, 3}, {0.5f, 2.0f, -1.0f, 0.0f, 1.0f, 1.0f});
    EXPECT_NEAR(loss.compute(y_pred, y_true, nullptr), 1.0416667, 1e-6);
}

TEST(MeanSquaredError, GradientIsTwiceTheDifferenceOverAllEntries) {
    // ∂/∂ŷ of (1/N)(1/C) Σ (ŷ − y)² = 2(ŷ − y) / (N·C) = (ŷ − y) / 3 for N = 2, C = 3:
    // (−0.5, 2, −1, 0, −1, 0) / 3.
    const MeanSquaredError loss;
    const Tensor y_true = tensor({2, 3}, {1, 0, 0, 0, 2, 1});
    const Tensor y_pred = tensor({2, 3}, {0.5f, 2.0f, -1.0f, 0.0f, 1.0f, 1.0f});
    Tensor grad({2, 3});
    loss.compute(y_pred, y_true, &grad);
    EXPECT_THAT(values(grad),
                ElementsAre(FloatNear(-0.1666667f, 1e-6f), FloatNear(0.6666667f, 1e-6f), FloatNear(-0.3333333f, 1e-6f),
                            FloatNear(0.0f, 1e-6f), FloatNear(-0.3333333f, 1e-6f), FloatNear(0.0f, 1e-6f)));
}

TEST(MeanSquaredError, MatchesKerasDocumentedExample) {
    // Keras's docstring: y_true [[0, 1], [0, 0]], y_pred [[1, 1], [1, 0]]: per sample (1 + 0)/2 = 0.5 and
    // (1 + 0)/2 = 0.5, mean 0.5.
    const MeanSquaredError loss;
    EXPECT_NEAR(loss.compute(tensor({2, 2}, {1, 1, 1, 0}), tensor({2, 2}, {0, 1, 0, 0}), nullptr), 0.5, 1e-12);
}

TEST(MeanSquaredError, RejectsShapeMismatchNamingBothShapes) {
    const MeanSquaredError loss;
    try {
        loss.compute(Tensor({3, 2}), Tensor({2, 3}), nullptr);
        FAIL() << "expected nnlab::Error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("mean_squared_error"));
        EXPECT_THAT(e.what(), HasSubstr("y_pred (3, 2)"));
        EXPECT_THAT(e.what(), HasSubstr("y_true (2, 3)"));
    }
}

TEST(MeanSquaredError, RejectsAGradientOfTheWrongShape) {
    const MeanSquaredError loss;
    Tensor grad({2, 2});
    EXPECT_THROW(loss.compute(Tensor({2, 3}), Tensor({2, 3}), &grad), Error);
}

TEST(MeanSquaredError, DoesNotFuseWithSoftmax) {
    const MeanSquaredError loss;
    EXPECT_FALSE(loss.fuses_with_softmax());
    Tensor dlogits({1, 2});
    try {
        loss.compute_from_softmax(Tensor({1, 2}), Tensor({1, 2}), dlogits);
        FAIL() << "expected nnlab::Error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::failure);
        EXPECT_THAT(e.what(), HasSubstr("mean_squared_error"));
    }
}

TEST(MeanSquaredError, GradientMatchesCentralDifferences) {
    const MeanSquaredError loss;
    Rng rng(5);
    Tensor y_pred({3, 4});
    Tensor y_true({3, 4});
    for (float& v : y_pred.values()) v = static_cast<float>(rng.uniform(-2.0, 2.0));
    for (float& v : y_true.values()) v = static_cast<float>(rng.uniform(-2.0, 2.0));
    EXPECT_LOSS_GRADIENTS_OK(loss, y_pred, y_true);
}

}  // namespace
}  // namespace nnlab
