// The text table of precision, recall, F1 and support per class (scikit-learn:
// sklearn.metrics.classification_report, character for character).
#pragma once

#include <string>
#include <vector>

#include "nnlab/metrics/classification_metrics.hpp"

namespace nnlab {

// scikit-learn's layout: a header, a blank line, one row per class, a blank line, then the accuracy
// row (only its f1-score and support columns filled), macro avg and weighted avg. The name column is
// as wide as the longest class name, "weighted avg" or `digits`, counted in characters (UTF-8 code
// points, as Python's len); numbers take 9 columns each with `digits` decimals. class_names as
// ConfusionMatrix::to_csv takes them; throws nnlab::Error when digits < 0.
//
// It prints the accuracy row always, where scikit-learn called with labels=range(num_classes) prints
// "micro avg" instead (with precision = recall = f1 = accuracy) when some class appears in neither
// the true nor the predicted labels.
std::string classification_report(const ClassificationMetrics& metrics,
                                  const std::vector<std::string>& class_names = {}, int digits = 2);

// The seed notebook's block: "Accuracy: 0.5452\nPrecision: 0.5452\nRecall: …\nF1-Score: …\n" (micro averages,
// as it computes them), then the macro averages.
std::string format_metrics_summary(const ClassificationMetrics& metrics);

}  // namespace nnlab
