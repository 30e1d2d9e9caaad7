// The text table of precision, recall, F1 and support per class, as scikit-learn prints it.
#include "nnlab/metrics/classification_report.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"

namespace nnlab {
namespace {

// Python's len() of a str: code points, not bytes, so UTF-8 names pad as scikit-learn pads them.
size_t characters(const std::string& text) {
    return static_cast<size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Python's "{:>{width}}".
std::string right(const std::string& text, size_t width) {
    const size_t length = characters(text);
    return length >= width ? text : std::string(width - length, ' ') + text;
}

// row_fmt = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
std::string score_row(const std::string& name, const ClassScores& s, size_t width, int digits) {
    return right(name, width) + " " + " " + right(fixed(s.precision, digits), 9) + " " +
           right(fixed(s.recall, digits), 9) + " " + right(fixed(s.f1, digits), 9) + " " +
           right(std::to_string(s.support), 9) + "\n";
}

}  // namespace

std::string classification_report(const ClassificationMetrics& metrics, const std::vector<std::string>& class_names,
                                  int digits) {
    if (digits < 0) throw Error("classification_report: digits must not be negative, found " + std::to_string(digits));
    const std::vector<std::string> names =
        class_names_or_indices(class_names, static_cast<int64_t>(metrics.per_class.size()));

    size_t width = std::max(std::string("weighted avg").size(), static_cast<size_t>(digits));
    for (const auto& name : names) width = std::max(width, characters(name));

    // head_fmt = "{:>{width}s} " + " {:>9}" * 4, then a blank line.
    std::string report = std::string(width, ' ') + " ";
    for (const char* header : {"precision", "recall", "f1-score", "support"}) report += " " + right(header, 9);
    report += "\n\n";
    for (size_t i = 0; i < names.size(); ++i) report += score_row(names[i], metrics.per_class[i], width, digits);
    report += "\n";
    // row_fmt_accuracy: precision and recall are formatted from empty strings, i.e. left blank.
    report += right("accuracy", width) + " " + " " + std::string(9, ' ') + " " + std::string(9, ' ') + " " +
              right(fixed(metrics.accuracy, digits), 9) + " " + right(std::to_string(metrics.total), 9) + "\n";
    report += score_row("macro avg", metrics.macro, width, digits);
    report += score_row("weighted avg", metrics.weighted, width, digits);
    return report;
}

std::string format_metrics_summary(const ClassificationMetrics& m) {
    return "Accuracy: " + fixed(m.accuracy, 4) + "\nPrecision: " + fixed(m.micro.precision, 4) +
           "\nRecall: " + fixed(m.micro.recall, 4) + "\nF1-Score: " + fixed(m.micro.f1, 4) +
           "\nMacro precision: " + fixed(m.macro.precision, 4) + "\nMacro recall: " + fixed(m.macro.recall, 4) +
           "\nMacro F1-Score: " + fixed(m.macro.f1, 4) + "\n";
}

}  // namespace nnlab
