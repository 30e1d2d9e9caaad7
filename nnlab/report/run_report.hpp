// The files a run or an evaluation leaves for a person to read: metrics, the classification report, the
// confusion matrix (CSV, PNG, SVG), training curves, and one self-contained report.html.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nnlab/train/classifier_evaluation.hpp"
#include "nnlab/train/history.hpp"

namespace nnlab {

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
