// Tests of ConfusionMatrix (scikit-learn: metrics.confusion_matrix): counts, argmax, streaming, merging, CSV, errors.
#include "nnlab/metrics/confusion_matrix.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "nnlab/core/error.hpp"
#include "tests/support/error_message.hpp"

namespace nnlab {
namespace {

using nnlab::testing::error_message;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Tensor scores_tensor(int64_t rows, int64_t cols, const std::vector<float>& values) {
    Tensor t(Shape{rows, cols});
    std::copy(values.begin(), values.end(), t.data());
    return t;
}

// 17 rows of 4 classes whose argmax wanders over every class.
Tensor wandering_scores(std::vector<int32_t>& labels) {
    const int64_t rows = 17, classes = 4;
    Tensor t(Shape{rows, classes});
    labels.clear();
    for (int64_t i = 0; i < rows; ++i) {
        for (int64_t j = 0; j < classes; ++j) t[i * classes + j] = static_cast<float>((i * 5 + j * 3) % 7);
        labels.push_back(static_cast<int32_t>((i * 3) % classes));
    }
    return t;
}

TEST(ConfusionMatrix, MatchesScikitLearnsDocumentedExample) {
    // sklearn.metrics.confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]) = [[2, 0, 0], [0, 0, 1], [1, 0, 2]].
    ConfusionMatrix cm(3);
    const int64_t y_true[] = {2, 0, 2, 2, 0, 1};
    const int64_t y_pred[] = {0, 0, 2, 2, 0, 2};
    for (int i = 0; i < 6; ++i) cm.add(y_true[i], y_pred[i]);
    EXPECT_THAT(cm.counts(), ElementsAre(2, 0, 0, 0, 0, 1, 1, 0, 2));
    EXPECT_EQ(cm.total(), 6);
    EXPECT_EQ(cm.num_classes(), 3);
    EXPECT_EQ(cm.count(2, 0), 1);
    EXPECT_EQ(cm.count(1, 2), 1);
    EXPECT_EQ(cm.count(2, 1), 0);
}

TEST(ConfusionMatrix, AddBatchCountsTheArgmaxOfEachRow) {
    ConfusionMatrix cm(3);
    // argmax 1, 2, 0, 2; labels 1, 0, 0, 2.
    const Tensor scores = scores_tensor(4, 3, {0.1f, 0.8f, 0.1f, -1, 0, 3, 5, 4, 3, 0.2f, 0.3f, 0.5f});
    const int32_t labels[] = {1, 0, 0, 2};
    cm.add_batch(scores, labels);
    EXPECT_THAT(cm.counts(), ElementsAre(1, 0, 1, 0, 1, 0, 0, 0, 1));
    EXPECT_EQ(cm.total(), 4);
}

TEST(ConfusionMatrix, ArgmaxTiesPickTheFirstIndexAsNumpy) {
    ConfusionMatrix cm(3);
    const Tensor scores = scores_tensor(3, 3, {0.5f, 0.5f, 0.0f, 0.1f, 0.7f, 0.7f, 0.2f, 0.2f, 0.2f});
    const int32_t labels[] = {2, 2, 2};
    cm.add_batch(scores, labels);
    EXPECT_EQ(cm.count(2, 0), 2);  // rows 1 and 3
    EXPECT_EQ(cm.count(2, 1), 1);  // row 2
    EXPECT_EQ(cm.count(2, 2), 0);
}

TEST(ConfusionMatrix, ArgmaxTakesTheFirstNaNAsNumpy) {
    // numpy.argmax([1, nan, 3, nan]) == 1.
    const float nan = std::numeric_limits<float>::quiet_NaN();
    ConfusionMatrix cm(4);
    const Tensor scores = scores_tensor(1, 4, {1, nan, 3, nan});
    const int32_t labels[] = {0};
    cm.add_batch(scores, labels);
    EXPECT_EQ(cm.count(0, 1), 1);
}

TEST(ConfusionMatrix, StreamedBatchesEqualOneBatchAndMergedHalves) {
    std::vector<int32_t> labels;
    Tensor scores = wandering_scores(labels);
    ConfusionMatrix whole(4);
    whole.add_batch(scores, labels.data());

    ConfusionMatrix streamed(4);
    ConfusionMatrix first_half(4), second_half(4);
    const int64_t starts[] = {0, 5, 10, 17};
    for (int b = 0; b < 3; ++b) {
        const int64_t begin = starts[b], rows = starts[b + 1] - starts[b];
        const Tensor batch = Tensor::view_of(scores.data() + begin * 4, Shape{rows, 4});
        streamed.add_batch(batch, labels.data() + begin);
        (b == 0 ? first_half : second_half).add_batch(batch, labels.data() + begin);
    }
    first_half.merge(second_half);

    EXPECT_EQ(whole.total(), 17);
    EXPECT_EQ(streamed.counts(), whole.counts());
    EXPECT_EQ(streamed.total(), whole.total());
    EXPECT_EQ(first_half.counts(), whole.counts());
    EXPECT_EQ(first_half.total(), whole.total());
    // The fixture is not degenerate: the matrix has both hits and misses.
    int64_t diagonal = 0;
    for (int64_t c = 0; c < 4; ++c) diagonal += whole.count(c, c);
    EXPECT_GT(diagonal, 0);
    EXPECT_LT(diagonal, 17);
}

TEST(ConfusionMatrix, EmptyBatchCountsNothing) {
    ConfusionMatrix cm(2);
    cm.add_batch(Tensor(Shape{0, 2}), nullptr);
    EXPECT_EQ(cm.total(), 0);
    EXPECT_THAT(cm.counts(), ElementsAre(0, 0, 0, 0));
}

TEST(ConfusionMatrix, CsvHasSklearnsLayoutWithNames) {
    ConfusionMatrix cm(2);
    cm.add(0, 0);
    cm.add(0, 1);
    cm.add(0, 1);
    cm.add(1, 0);
    EXPECT_EQ(cm.to_csv({"cat", "dog"}), "true\\predicted,cat,dog\ncat,1,2\ndog,1,0\n");
    EXPECT_EQ(cm.to_csv(), "true\\predicted,0,1\n0,1,2\n1,1,0\n");
}

TEST(ConfusionMatrix, CsvQuotesNamesAsRfc4180) {
    ConfusionMatrix cm(3);
    cm.add(1, 2);
    EXPECT_EQ(cm.to_csv({"plain", "big, dog", "say \"hi\""}),
              "true\\predicted,plain,\"big, dog\",\"say \"\"hi\"\"\"\n"
              "plain,0,0,0\n"
              "\"big, dog\",0,0,1\n"
              "\"say \"\"hi\"\"\",0,0,0\n");
}

TEST(ConfusionMatrix, RejectsFewerThanOneClass) {
    const std::string message = error_message([] { ConfusionMatrix cm(0); });
    EXPECT_THAT(message, HasSubstr("num_classes"));
    EXPECT_THAT(message, HasSubstr("found 0"));
}

TEST(ConfusionMatrix, AddNamesTheLabelOutOfRangeAndTheValidRange) {
    ConfusionMatrix cm(4);
    std::string message = error_message([&] { cm.add(4, 0); });
    EXPECT_THAT(message, HasSubstr("true label 4"));
    EXPECT_THAT(message, HasSubstr("0 to 3"));
    message = error_message([&] { cm.add(0, -1); });
    EXPECT_THAT(message, HasSubstr("predicted label -1"));
    EXPECT_THAT(message, HasSubstr("0 to 3"));
    EXPECT_EQ(cm.total(), 0);
    EXPECT_THAT(error_message([&] { (void)cm.count(0, 7); }), HasSubstr("predicted label 7"));
}

TEST(ConfusionMatrix, AddBatchNamesBothShapesOnMismatch) {
    ConfusionMatrix cm(4);
    const int32_t labels[] = {0, 1};
    std::string message = error_message([&] { cm.add_batch(Tensor(Shape{2, 3}), labels); });
    EXPECT_THAT(message, HasSubstr("(None, 4)"));
    EXPECT_THAT(message, HasSubstr("(2, 3)"));
    message = error_message([&] { cm.add_batch(Tensor(Shape{8}), labels); });
    EXPECT_THAT(message, HasSubstr("(8,)"));
}

TEST(ConfusionMatrix, AddBatchWithABadLabelNamesItAndCountsNothing) {
    ConfusionMatrix cm(3);
    const Tensor scores = scores_tensor(3, 3, {1, 0, 0, 0, 1, 0, 0, 0, 1});
    const int32_t labels[] = {0, 9, 2};
    const std::string message = error_message([&] { cm.add_batch(scores, labels); });
    EXPECT_THAT(message, HasSubstr("label 9 of row 1"));
    EXPECT_THAT(message, HasSubstr("0 to 2"));
    EXPECT_EQ(cm.total(), 0);
    EXPECT_THAT(cm.counts(), ElementsAre(0, 0, 0, 0, 0, 0, 0, 0, 0));
}

TEST(ConfusionMatrix, MergeRejectsAnotherClassCount) {
    ConfusionMatrix cm(3);
    const std::string message = error_message([&] { cm.merge(ConfusionMatrix(5)); });
    EXPECT_THAT(message, HasSubstr("5 classes"));
    EXPECT_THAT(message, HasSubstr("3 classes"));
}

TEST(ConfusionMatrix, CsvRejectsTheWrongNumberOfNames) {
    ConfusionMatrix cm(3);
    const std::string message = error_message([&] { (void)cm.to_csv({"a", "b"}); });
    EXPECT_THAT(message, HasSubstr("expected 3 class names"));
    EXPECT_THAT(message, HasSubstr("found 2"));
}

}  // namespace
}  // namespace nnlab
