// Tests of classification_metrics and its JSON (scikit-learn: precision_recall_fscore_support, zero_division=0).
#include "nnlab/metrics/classification_metrics.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nnlab/core/error.hpp"
#include "tests/support/error_message.hpp"

namespace nnlab {
namespace {

using nnlab::testing::error_message;
using ::testing::HasSubstr;

ConfusionMatrix from_pairs(int64_t classes, const std::vector<int64_t>& y_true, const std::vector<int64_t>& y_pred) {
    ConfusionMatrix cm(classes);
    for (size_t i = 0; i < y_true.size(); ++i) cm.add(y_true[i], y_pred[i]);
    return cm;
}

// cat (0): 3 true, predicted 4 times, 2 right.  dog (1): 2 true, predicted twice, 1 right.
// bird (2): 2 true, never predicted.            frog (3): no true example, predicted once.
// Rows (true) × columns (predicted): [2 1 0 0] [1 1 0 0] [1 0 0 1] [0 0 0 0]; 3 of 7 right.
ConfusionMatrix four_classes() {
    return from_pairs(4, {0, 0, 0, 1, 1, 2, 2}, {0, 0, 1, 1, 0, 0, 3});
}

void expect_all_finite(const ClassificationMetrics& m) {
    EXPECT_TRUE(std::isfinite(m.accuracy));
    for (const ClassScores* s : {&m.micro, &m.macro, &m.weighted}) {
        EXPECT_TRUE(std::isfinite(s->precision) && std::isfinite(s->recall) && std::isfinite(s->f1));
    }
    for (const ClassScores& s : m.per_class) {
        EXPECT_TRUE(std::isfinite(s.precision) && std::isfinite(s.recall) && std::isfinite(s.f1));
    }
}

TEST(ClassificationMetrics, PerClassScoresMatchHandComputedValues) {
    const ClassificationMetrics m = classification_metrics(four_classes());
    ASSERT_EQ(m.per_class.size(), 4u);
    // cat: P = 2/4, R = 2/3, F1 = 2·2 / (3 + 4) = 4/7.
    EXPECT_DOUBLE_EQ(m.per_class[0].precision, 0.5);
    EXPECT_DOUBLE_EQ(m.per_class[0].recall, 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(m.per_class[0].f1, 4.0 / 7.0);
    EXPECT_EQ(m.per_class[0].support, 3);
    // dog: 1/2, 1/2, 2·1 / (2 + 2).
    EXPECT_DOUBLE_EQ(m.per_class[1].precision, 0.5);
    EXPECT_DOUBLE_EQ(m.per_class[1].recall, 0.5);
    EXPECT_DOUBLE_EQ(m.per_class[1].f1, 0.5);
    EXPECT_EQ(m.per_class[1].support, 2);
    EXPECT_EQ(m.total, 7);
    EXPECT_DOUBLE_EQ(m.accuracy, 3.0 / 7.0);
}

TEST(ClassificationMetrics, ClassNeverPredictedHasPrecisionZeroNotNaN) {
    const ClassScores bird = classification_metrics(four_classes()).per_class[2];
    EXPECT_EQ(bird.precision, 0.0);  // 0 / 0 predicted
    EXPECT_EQ(bird.recall, 0.0);     // 0 / 2
    EXPECT_EQ(bird.f1, 0.0);
    EXPECT_EQ(bird.support, 2);
}

TEST(ClassificationMetrics, ClassWithNoSupportHasRecallZeroNotNaN) {
    const ClassScores frog = classification_metrics(four_classes()).per_class[3];
    EXPECT_EQ(frog.precision, 0.0);  // 0 / 1 predicted
    EXPECT_EQ(frog.recall, 0.0);     // 0 / 0 true
    EXPECT_EQ(frog.f1, 0.0);
    EXPECT_EQ(frog.support, 0);
}

TEST(ClassificationMetrics, MicroAverageIsTheAccuracy) {
    const ClassificationMetrics m = classification_metrics(four_classes());
    EXPECT_DOUBLE_EQ(m.accuracy, 3.0 / 7.0);
    EXPECT_EQ(m.micro.precision, m.accuracy);
    EXPECT_EQ(m.micro.recall, m.accuracy);
    EXPECT_EQ(m.micro.f1, m.accuracy);
    EXPECT_EQ(m.micro.support, 7);
}

TEST(ClassificationMetrics, MacroAverageIsTheMeanOverEveryClass) {
    const ClassificationMetrics m = classification_metrics(four_classes());
    EXPECT_DOUBLE_EQ(m.macro.precision, (0.5 + 0.5 + 0 + 0) / 4);     // 0.25
    EXPECT_DOUBLE_EQ(m.macro.recall, (2.0 / 3.0 + 0.5 + 0 + 0) / 4);  // 7/24
    EXPECT_DOUBLE_EQ(m.macro.f1, (4.0 / 7.0 + 0.5 + 0 + 0) / 4);      // 15/56
    EXPECT_EQ(m.macro.support, 7);
    // A third class seen neither as truth nor as prediction still counts in the mean, as with
    // scikit-learn's labels=range(3): (1 + 1 + 0) / 3.
    const ClassificationMetrics unseen = classification_metrics(from_pairs(3, {0, 1, 1}, {0, 1, 1}));
    EXPECT_DOUBLE_EQ(unseen.macro.precision, 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(unseen.macro.recall, 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(unseen.macro.f1, 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(unseen.accuracy, 1.0);
}

TEST(ClassificationMetrics, WeightedAverageWeighsBySupport) {
    const ClassificationMetrics m = classification_metrics(four_classes());
    EXPECT_DOUBLE_EQ(m.weighted.precision, (3 * 0.5 + 2 * 0.5) / 7);   // 5/14
    EXPECT_DOUBLE_EQ(m.weighted.recall, 3.0 / 7.0);                    // (3·2/3 + 2·1/2) / 7
    EXPECT_DOUBLE_EQ(m.weighted.f1, (3 * (4.0 / 7.0) + 2 * 0.5) / 7);  // 19/49
    EXPECT_EQ(m.weighted.support, 7);
    expect_all_finite(m);
}

TEST(ClassificationMetrics, MatchesScikitLearnsDocumentedExample) {
    // precision_score / recall_score / f1_score docstrings: y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1]
    // give precision macro 0.22…, micro 0.33…, weighted 0.22…, per class [0.66…, 0, 0]; recall macro, micro and
    // weighted 0.33…, per class [1, 0, 0]; F1 macro 0.26…, micro 0.33…, weighted 0.26….
    const ClassificationMetrics m = classification_metrics(from_pairs(3, {0, 1, 2, 0, 1, 2}, {0, 2, 1, 0, 0, 1}));
    EXPECT_DOUBLE_EQ(m.macro.precision, 2.0 / 9.0);
    EXPECT_DOUBLE_EQ(m.micro.precision, 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(m.weighted.precision, 2.0 / 9.0);
    EXPECT_DOUBLE_EQ(m.per_class[0].precision, 2.0 / 3.0);
    EXPECT_EQ(m.per_class[1].precision, 0.0);
    EXPECT_EQ(m.per_class[2].precision, 0.0);
    EXPECT_DOUBLE_EQ(m.macro.recall, 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(m.weighted.recall, 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(m.per_class[0].recall, 1.0);
    EXPECT_DOUBLE_EQ(m.macro.f1, 0.8 / 3.0);
    EXPECT_DOUBLE_EQ(m.weighted.f1, 0.8 / 3.0);
    EXPECT_DOUBLE_EQ(m.micro.f1, 1.0 / 3.0);
}

TEST(ClassificationMetrics, EmptyMatrixGivesZerosNotNaN) {
    const ClassificationMetrics m = classification_metrics(ConfusionMatrix(3));
    expect_all_finite(m);
    EXPECT_EQ(m.accuracy, 0.0);
    EXPECT_EQ(m.macro.f1, 0.0);
    EXPECT_EQ(m.weighted.precision, 0.0);
    EXPECT_EQ(m.total, 0);
    EXPECT_EQ(m.per_class.size(), 3u);
}

TEST(ClassificationMetrics, JsonHoldsEveryScoreUnderItsName) {
    const nlohmann::json j = to_json(classification_metrics(four_classes()), {"cat", "dog", "bird", "frog"});
    EXPECT_DOUBLE_EQ(j.at("accuracy").get<double>(), 3.0 / 7.0);
    EXPECT_EQ(j.at("total").get<int64_t>(), 7);
    EXPECT_DOUBLE_EQ(j.at("micro").at("f1").get<double>(), 3.0 / 7.0);
    EXPECT_DOUBLE_EQ(j.at("macro").at("precision").get<double>(), 0.25);
    EXPECT_DOUBLE_EQ(j.at("weighted").at("recall").get<double>(), 3.0 / 7.0);
    EXPECT_EQ(j.at("weighted").at("support").get<int64_t>(), 7);
    const nlohmann::json& per_class = j.at("per_class");
    ASSERT_EQ(per_class.size(), 4u);
    EXPECT_EQ(per_class[0].at("class"), "cat");
    EXPECT_DOUBLE_EQ(per_class[0].at("recall").get<double>(), 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(per_class[0].at("f1").get<double>(), 4.0 / 7.0);
    EXPECT_EQ(per_class[3].at("class"), "frog");
    EXPECT_EQ(per_class[3].at("precision").get<double>(), 0.0);
    EXPECT_EQ(per_class[3].at("support").get<int64_t>(), 0);
    // Without names, classes are their indices.
    EXPECT_EQ(to_json(classification_metrics(four_classes())).at("per_class")[2].at("class"), "2");
}

TEST(ClassificationMetrics, JsonRejectsTheWrongNumberOfNames) {
    const ClassificationMetrics m = classification_metrics(four_classes());
    const std::string message = error_message([&] { (void)to_json(m, {"cat", "dog"}); });
    EXPECT_THAT(message, HasSubstr("expected 4 class names"));
    EXPECT_THAT(message, HasSubstr("found 2"));
}

}  // namespace
}  // namespace nnlab
