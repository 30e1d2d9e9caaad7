// Running one experiment into a run folder: the fit with its progress line, the files a person reads
// afterwards, and the figures that say how it went. Shared by nnlab train and nnlab compare.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>

#include "cli/experiment.hpp"
#include "nnlab/data/dataset.hpp"
#include "nnlab/report/run_report.hpp"
#include "nnlab/train/history.hpp"

namespace nnlab::cli {

// The dataset the experiment names, cut to its train_samples / test_samples.
DatasetSplits load_experiment_data(const Experiment& experiment, const std::optional<std::filesystem::path>& root);

struct RunOutcome {
    History history;
    double seconds = 0.0;               // the whole fit
    double median_epoch_seconds = 0.0;  // training and validation
    ClassifierEvaluation evaluation;    // the final model on the test split
};

// Trains and writes `folder`: config.toml, history.csv/.json and training_curves.png/.svg (after every epoch),
// model.safetensors, metrics.json, classification_report.txt, confusion_matrix.csv/.png/.svg, report.html.
// Progress goes to `out` (a live line when `live`).
RunOutcome run_experiment(const Experiment& experiment, const DatasetSplits& data, const std::filesystem::path& folder,
                          std::ostream& out, bool live);

// runs/<name>-<date>-<time>, the default folder of a run.
std::filesystem::path timestamped_run_folder(const std::string& name);

double peak_rss_mb();
double median(std::vector<double> values);

}  // namespace nnlab::cli
