// The files a run or an evaluation leaves for a person to read: metrics, the classification report, the
// confusion matrix (CSV, PNG, SVG), training curves, and one self-contained report.html.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nnlab/losses/loss.hpp"
#include "nnlab/metrics/classification_metrics.hpp"
#include "nnlab/metrics/confusion_matrix.hpp"
#include "nnlab/train/history.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

// A model's results on one labelled split: loss and compiled metrics, and every prediction counted.
struct ClassifierEvaluation {
    std::string split;  // what was evaluated, e.g. "cifar10 test split (10,000 images)"
    Evaluation summary;
    ConfusionMatrix confusion;
    ClassificationMetrics metrics;
    std::vector<std::string> class_names;
};

// One pass over `data`: loss, metrics and confusion matrix. Throws nnlab::Error when the model and the data do
// not fit (input shape, class count), naming both.
ClassifierEvaluation evaluate_classifier(Sequential& model, const Dataset& data, const std::string& split,
                                         int64_t batch_size = 32, const Augmenter* augmenter = nullptr);

// The same figures from outputs already computed (an ensemble's mean, test-time augmentation): `probabilities`
// (N, classes), row i for example i of `data`. summary.loss is `loss` on these probabilities (no weight penalty; NaN
// without a loss), summary.metrics the MetricTracker metrics named in `metrics`. Throws nnlab::Error when the rows
// or classes do not match the data.
ClassifierEvaluation evaluate_probabilities(const Tensor& probabilities, const Dataset& data, const std::string& split,
                                            const Loss* loss = nullptr,
                                            const std::vector<std::string>& metrics = {"accuracy"});

// The seed notebook's block: "Accuracy: 0.5452\nPrecision: 0.5452\nRecall: …\nF1-Score: …\n" (micro averages,
// as it computes them), then the macro averages.
std::string format_metrics_summary(const ClassificationMetrics& metrics);

// metrics.json, classification_report.txt, confusion_matrix.csv, confusion_matrix.png and .svg in `folder`,
// each written atomically.
void write_evaluation_files(const std::filesystem::path& folder, const ClassifierEvaluation& evaluation);

// training_curves.png and .svg in `folder`, written atomically.
void write_training_curves(const std::filesystem::path& folder, const History& history);

struct RunReport {
    std::string title;                                       // the experiment's name
    std::vector<std::pair<std::string, std::string>> facts;  // "Dataset" → "cifar10", "Time" → "4 min 50 s", …
    std::string config;                                      // the experiment file as run
    std::string model_summary;
    const History* history = nullptr;                  // curves and the per-epoch table
    const ClassifierEvaluation* evaluation = nullptr;  // final metrics, report, confusion matrix
};
// report.html: everything above on one page, images embedded.
std::string render_run_report(const RunReport& report);

}  // namespace nnlab
