// Tests of AucCounts (Keras: metrics.AUC): Keras's documented example, a hand-computed ROC area, the thresholds,
// and counts that add up over batches.
#include "nnlab/metrics/auc.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/error_message.hpp"
#include "tests/support/tensor_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;
using testing::tensor;

TEST(Auc, MatchesKerasDocumentedExample) {
    // Keras's docstring: AUC(num_thresholds=3) on y_true [0, 0, 1, 1], y_pred [0, 0.5, 0.3, 0.9] gives 0.75.
    // Thresholds −1e-7, 0.5, 1 + 1e-7: (fpr, tpr) = (1, 1), (0, 0.5), (0, 0); trapezoids 1 · 0.75 + 0 = 0.75.
    AucCounts auc(3);
    auc.add_batch(tensor({4, 1}, {0, 0.5f, 0.3f, 0.9f}), tensor({4, 1}, {0, 0, 1, 1}));
    EXPECT_DOUBLE_EQ(auc.result(), 0.75);
}

TEST(Auc, ThresholdsAreKerassInFloat32) {
    const AucCounts auc;  // 200
    ASSERT_EQ(auc.thresholds().size(), 200u);
    EXPECT_EQ(auc.thresholds().front(), static_cast<float>(-1e-7));
    EXPECT_EQ(auc.thresholds()[1], static_cast<float>(1.0 / 199));
    EXPECT_EQ(auc.thresholds()[198], static_cast<float>(198.0 / 199));
    EXPECT_EQ(auc.thresholds().back(), static_cast<float>(1 + 1e-7));
    EXPECT_THAT(testing::error_message([] { AucCounts(1); }), HasSubstr("num_thresholds: expected more than 1"));
}

TEST(Auc, EqualsTheExactAreaWhenThresholdsSeparateThePredictions) {
    // Scores 0.1, 0.4 (negatives), 0.35, 0.8 (positives): of the 4 positive–negative pairs, 3 are ranked right, so
    // the exact ROC area (scikit-learn's roc_auc_score) is 0.75; 200 thresholds separate every score.
    AucCounts auc;
    auc.add_batch(tensor({2, 1}, {0.1f, 0.35f}), tensor({2, 1}, {0, 1}));  // two batches add up
    auc.add_batch(tensor({2, 1}, {0.4f, 0.8f}), tensor({2, 1}, {0, 1}));
    EXPECT_NEAR(auc.result(), 0.75, 1e-12);
    // A perfect ranking is 1, a reversed one 0; no examples (or one class only) give 0 as divide_no_nan does.
    AucCounts perfect, reversed, empty;
    perfect.add_batch(tensor({2, 1}, {0.2f, 0.9f}), tensor({2, 1}, {0, 1}));
    reversed.add_batch(tensor({2, 1}, {0.9f, 0.2f}), tensor({2, 1}, {0, 1}));
    EXPECT_NEAR(perfect.result(), 1.0, 1e-12);
    EXPECT_NEAR(reversed.result(), 0.0, 1e-12);
    EXPECT_EQ(empty.result(), 0.0);
}

TEST(Auc, ANanPredictionIsAboveNoThreshold) {
    AucCounts with_nan, with_zero;
    with_nan.add_batch(tensor({2, 1}, {NAN, 0.7f}), tensor({2, 1}, {1, 0}));
    with_zero.add_batch(tensor({2, 1}, {-1.0f, 0.7f}), tensor({2, 1}, {1, 0}));
    EXPECT_EQ(with_nan.counts(), with_zero.counts());
}

TEST(Auc, FlattensEveryOutputAsOneBinaryPrediction) {
    // multi_label = False: a (2, 2) batch is four predictions; the same four in one column give the same area.
    AucCounts wide, tall;
    wide.add_batch(tensor({2, 2}, {0.1f, 0.35f, 0.4f, 0.8f}), tensor({2, 2}, {0, 1, 0, 1}));
    tall.add_batch(tensor({4, 1}, {0.1f, 0.35f, 0.4f, 0.8f}), tensor({4, 1}, {0, 1, 0, 1}));
    EXPECT_EQ(wide.counts(), tall.counts());
    EXPECT_THAT(testing::error_message([&] {
                    wide.add_batch(tensor({1, 2}, {0, 1}), tensor({2, 1}, {0, 1}));
                }),
                HasSubstr("same shape"));
}

}  // namespace
}  // namespace nnlab
