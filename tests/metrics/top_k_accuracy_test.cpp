// Tests of TopKAccuracy and count_top_k_correct (Keras: metrics.SparseTopKCategoricalAccuracy, tf.math.in_top_k).
#include "nnlab/metrics/top_k_accuracy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/metrics/confusion_matrix.hpp"
#include "tests/support/error_message.hpp"

namespace nnlab {
namespace {

using nnlab::testing::error_message;
using ::testing::HasSubstr;

Tensor scores_tensor(int64_t rows, int64_t cols, const std::vector<float>& values) {
    Tensor t(Shape{rows, cols});
    std::copy(values.begin(), values.end(), t.data());
    return t;
}

// Label 2 is second in row 0 and last in row 1; label 1 and label 0 are first in rows 2 and 3.
const std::vector<float> four_rows = {0.1f, 0.6f, 0.3f, 0.7f, 0.2f, 0.1f, 0.2f, 0.5f, 0.3f, 0.4f, 0.35f, 0.25f};
const std::vector<int32_t> four_labels = {2, 2, 1, 0};

TEST(TopKAccuracy, CountsLabelsAmongTheKHighestScores) {
    EXPECT_EQ(count_top_k_correct(four_rows.data(), four_labels.data(), 4, 3, 1), 2);  // rows 2, 3
    EXPECT_EQ(count_top_k_correct(four_rows.data(), four_labels.data(), 4, 3, 2), 3);  // and row 0
    EXPECT_EQ(count_top_k_correct(four_rows.data(), four_labels.data(), 4, 3, 3), 4);
}

TEST(TopKAccuracy, KOfOneIsTheArgmaxAccuracy) {
    // 23 rows of 5 classes with distinct scores, labels that agree with the argmax about a fifth of the time.
    const int64_t rows = 23, classes = 5;
    Tensor scores(Shape{rows, classes});
    std::vector<int32_t> labels;
    for (int64_t i = 0; i < rows; ++i) {
        for (int64_t j = 0; j < classes; ++j) scores[i * classes + j] = static_cast<float>((i * 7 + j * 3) % 11);
        labels.push_back(static_cast<int32_t>((i * 2) % classes));
    }
    ConfusionMatrix cm(classes);
    cm.add_batch(scores, labels.data());
    int64_t diagonal = 0;
    for (int64_t c = 0; c < classes; ++c) diagonal += cm.count(c, c);
    ASSERT_GT(diagonal, 0);
    ASSERT_LT(diagonal, rows);

    TopKAccuracy top1(1);
    top1.add_batch(scores, labels.data());
    EXPECT_EQ(top1.correct(), diagonal);
    EXPECT_DOUBLE_EQ(top1.result(), static_cast<double>(diagonal) / rows);
}

TEST(TopKAccuracy, KEqualToTheClassCountIsAlwaysCorrect) {
    TopKAccuracy top3(3);
    top3.add_batch(scores_tensor(4, 3, four_rows), four_labels.data());
    EXPECT_DOUBLE_EQ(top3.result(), 1.0);
    EXPECT_EQ(top3.count(), 4);
}

TEST(TopKAccuracy, TiesAtTheKthScoreCountAsInTheTopK) {
    // (0.5, 0.3, 0.3): only one class scores strictly higher than 0.3, so both 0.3s are in the top 2.
    const std::vector<float> row = {0.5f, 0.3f, 0.3f};
    const int32_t label1 = 1, label2 = 2;
    EXPECT_EQ(count_top_k_correct(row.data(), &label1, 1, 3, 2), 1);
    EXPECT_EQ(count_top_k_correct(row.data(), &label2, 1, 3, 2), 1);
    EXPECT_EQ(count_top_k_correct(row.data(), &label2, 1, 3, 1), 0);
    // All equal: nothing scores higher, so every label is in the top 1.
    const std::vector<float> flat = {0.25f, 0.25f, 0.25f, 0.25f};
    const int32_t label3 = 3;
    EXPECT_EQ(count_top_k_correct(flat.data(), &label3, 1, 4, 1), 1);
}

TEST(TopKAccuracy, RowsWithNonFiniteScoresAreNeverCorrect) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> scores = {0.9f, nan, 0.1f, inf, 0.5f, 0.2f, 0.9f, 0.05f, 0.05f};
    const std::vector<int32_t> labels = {0, 1, 0};
    EXPECT_EQ(count_top_k_correct(scores.data(), labels.data(), 3, 3, 3), 1);  // only the finite row 2
}

TEST(TopKAccuracy, StreamedBatchesEqualOneBatch) {
    Tensor all = scores_tensor(4, 3, four_rows);
    TopKAccuracy whole(2), streamed(2);
    whole.add_batch(all, four_labels.data());
    streamed.add_batch(Tensor::view_of(all.data(), Shape{1, 3}), four_labels.data());
    streamed.add_batch(Tensor::view_of(all.data() + 3, Shape{3, 3}), four_labels.data() + 1);
    EXPECT_EQ(streamed.count(), 4);
    EXPECT_EQ(streamed.correct(), 3);
    EXPECT_DOUBLE_EQ(streamed.result(), 0.75);
    EXPECT_DOUBLE_EQ(whole.result(), 0.75);
}

TEST(TopKAccuracy, IsZeroBeforeAnyExampleAndDefaultsToKerasK) {
    const TopKAccuracy metric;
    EXPECT_EQ(metric.k(), 5);
    EXPECT_EQ(metric.count(), 0);
    EXPECT_EQ(metric.result(), 0.0);
}

TEST(TopKAccuracy, RejectsKBelowOne) {
    EXPECT_THAT(error_message([] { TopKAccuracy metric(0); }), HasSubstr("found 0"));
    EXPECT_THAT(error_message([] { (void)count_top_k_correct(nullptr, nullptr, 0, 3, -2); }), HasSubstr("k = -2"));
}

TEST(TopKAccuracy, RejectsKAboveTheClassCount) {
    std::string message =
        error_message([] { (void)count_top_k_correct(four_rows.data(), four_labels.data(), 4, 3, 4); });
    EXPECT_THAT(message, HasSubstr("k = 4"));
    EXPECT_THAT(message, HasSubstr("1 <= k <= 3"));
    TopKAccuracy top5;
    message = error_message([&] { top5.add_batch(scores_tensor(4, 3, four_rows), four_labels.data()); });
    EXPECT_THAT(message, HasSubstr("k = 5"));
    EXPECT_EQ(top5.count(), 0);
}

TEST(TopKAccuracy, RejectsALabelOutOfRange) {
    const std::vector<int32_t> labels = {2, 3, 1, 0};
    const std::string message =
        error_message([&] { (void)count_top_k_correct(four_rows.data(), labels.data(), 4, 3, 1); });
    EXPECT_THAT(message, HasSubstr("label 3 of row 1"));
    EXPECT_THAT(message, HasSubstr("0 to 2"));
}

TEST(TopKAccuracy, RejectsScoresThatAreNotAMatrix) {
    TopKAccuracy top1(1);
    const int32_t labels[] = {0, 0, 0};
    const std::string message = error_message([&] { top1.add_batch(Tensor(Shape{3}), labels); });
    EXPECT_THAT(message, HasSubstr("(batch, classes)"));
    EXPECT_THAT(message, HasSubstr("(3,)"));
}

}  // namespace
}  // namespace nnlab
