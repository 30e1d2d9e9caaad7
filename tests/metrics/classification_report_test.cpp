// Tests of classification_report against texts laid out by scikit-learn's format code.
#include "nnlab/metrics/classification_report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nnlab/core/error.hpp"
#include "tests/support/error_message.hpp"

namespace nnlab {
namespace {

using nnlab::testing::error_message;
using ::testing::HasSubstr;

ClassificationMetrics metrics_of(int64_t classes, const std::vector<int64_t>& y_true,
                                 const std::vector<int64_t>& y_pred) {
    ConfusionMatrix cm(classes);
    for (size_t i = 0; i < y_true.size(); ++i) cm.add(y_true[i], y_pred[i]);
    return classification_metrics(cm);
}

TEST(ClassificationReport, MatchesScikitLearnsDocumentedExample) {
    // classification_report's docstring: y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1].
    const std::string expected =
        "              precision    recall  f1-score   support\n"
        "\n"
        "     class 0       0.50      1.00      0.67         1\n"
        "     class 1       0.00      0.00      0.00         1\n"
        "     class 2       1.00      0.67      0.80         3\n"
        "\n"
        "    accuracy                           0.60         5\n"
        "   macro avg       0.50      0.56      0.49         5\n"
        "weighted avg       0.70      0.60      0.61         5\n";
    EXPECT_EQ(classification_report(metrics_of(3, {0, 1, 2, 2, 2}, {0, 0, 2, 2, 1}), {"class 0", "class 1", "class 2"}),
              expected);
}

TEST(ClassificationReport, ShowsClassesNeverPredictedAndWithoutSupport) {
    // Width max(4, len("weighted avg") = 12, 2) = 12; "{:>12s} " then " {:>9.2f}" three times and " {:>9}".
    // cat 2/4, 2/3, 4/7; dog 1/2 each; bird never predicted; frog never true. Macro (0.25, 7/24, 15/56),
    // weighted (5/14, 3/7, 19/49), accuracy 3/7.
    const std::string expected =
        "              precision    recall  f1-score   support\n"
        "\n"
        "         cat       0.50      0.67      0.57         3\n"
        "         dog       0.50      0.50      0.50         2\n"
        "        bird       0.00      0.00      0.00         2\n"
        "        frog       0.00      0.00      0.00         0\n"
        "\n"
        "    accuracy                           0.43         7\n"
        "   macro avg       0.25      0.29      0.27         7\n"
        "weighted avg       0.36      0.43      0.39         7\n";
    const ClassificationMetrics m = metrics_of(4, {0, 0, 0, 1, 1, 2, 2}, {0, 0, 1, 1, 0, 0, 3});
    EXPECT_EQ(classification_report(m, {"cat", "dog", "bird", "frog"}), expected);
}

TEST(ClassificationReport, WidensTheNameColumnByCharactersAndHonoursDigits) {
    // "Straßenbahnwagen" is 16 characters (17 bytes), so the name column is 16 wide, and "café" (5 bytes) is padded
    // with 12 spaces; digits = 4.
    const std::string expected =
        "                  precision    recall  f1-score   support\n"
        "\n"
        "            café     0.5000    0.5000    0.5000         2\n"
        "Straßenbahnwagen     0.6667    0.6667    0.6667         3\n"
        "\n"
        "        accuracy                         0.6000         5\n"
        "       macro avg     0.5833    0.5833    0.5833         5\n"
        "    weighted avg     0.6000    0.6000    0.6000         5\n";
    const ClassificationMetrics m = metrics_of(2, {0, 0, 1, 1, 1}, {0, 1, 1, 1, 0});
    EXPECT_EQ(classification_report(m, {"café", "Straßenbahnwagen"}, 4), expected);
}

TEST(ClassificationReport, WidensTheNameColumnToDigitsAndLetsLongNumbersOverflow) {
    // digits = 13 > len("weighted avg"): the name column is 13 wide; "{:>9.13f}" of 1 is 15 characters, wider than
    // its column, so Python prints it whole after the one separating space.
    const std::string expected =
        "               precision    recall  f1-score   support\n"
        "\n"
        "            0  1.0000000000000 1.0000000000000 1.0000000000000         1\n"
        "            1  1.0000000000000 1.0000000000000 1.0000000000000         1\n"
        "\n"
        "     accuracy                      1.0000000000000         2\n"
        "    macro avg  1.0000000000000 1.0000000000000 1.0000000000000         2\n"
        " weighted avg  1.0000000000000 1.0000000000000 1.0000000000000         2\n";
    EXPECT_EQ(classification_report(metrics_of(2, {0, 1}, {0, 1}), {}, 13), expected);
}

TEST(ClassificationReport, NamesClassesByIndexWithoutNames) {
    const std::string report = classification_report(metrics_of(2, {0, 1}, {0, 0}));
    EXPECT_THAT(report, HasSubstr("\n           0       0.50      1.00      0.67         1\n"));
    EXPECT_THAT(report, HasSubstr("\n           1       0.00      0.00      0.00         1\n"));
}

TEST(ClassificationReport, RejectsNegativeDigitsAndTheWrongNumberOfNames) {
    const ClassificationMetrics m = metrics_of(2, {0, 1}, {0, 1});
    EXPECT_THAT(error_message([&] { (void)classification_report(m, {}, -1); }), HasSubstr("found -1"));
    const std::string message = error_message([&] { (void)classification_report(m, {"a", "b", "c"}); });
    EXPECT_THAT(message, HasSubstr("expected 2 class names"));
    EXPECT_THAT(message, HasSubstr("found 3"));
}

TEST(MetricsSummary, SeedBlockPrintsMicroThenMacroWithFourDecimals) {
    ConfusionMatrix confusion(2);
    confusion.add(0, 0), confusion.add(0, 0), confusion.add(0, 1), confusion.add(1, 1);  // 3 of 4 right
    const ClassificationMetrics m = classification_metrics(confusion);
    // Class 0: P 1, R 2/3; class 1: P 1/2, R 1. Macro P 0.75, R 0.8333, F1 (0.8 + 0.6667) / 2.
    EXPECT_EQ(format_metrics_summary(m),
              "Accuracy: 0.7500\nPrecision: 0.7500\nRecall: 0.7500\nF1-Score: 0.7500\nMacro precision: 0.7500\n"
              "Macro recall: 0.8333\nMacro F1-Score: 0.7333\n");
}

}  // namespace
}  // namespace nnlab
