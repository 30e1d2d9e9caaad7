// ExperimentRun — one experiment trained on its data into a run folder: the fit with its progress lines, the files
// a person reads afterwards and the figures that say how it went (what nnlab train and nnlab compare run).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "nnlab/data/augment/augment.hpp"
#include "nnlab/data/dataset.hpp"
#include "nnlab/experiment/experiment.hpp"
#include "nnlab/train/classifier_evaluation.hpp"
#include "nnlab/train/history.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

struct RunOptions {
    std::ostream* progress = nullptr;  // Keras's per-epoch lines (verbose); none: silent
    bool live = false;                 // a live progress bar (a terminal) rather than plain lines
    int columns = 0;                   // the terminal's width, when live and known
};

struct RunOutcome {
    History history;
    double seconds = 0.0;               // the whole fit
    double median_epoch_seconds = 0.0;  // training and validation
    ClassifierEvaluation evaluation;    // the final model on the test split
    std::vector<std::string> events;    // what the callbacks did, as Keras prints them ("Epoch 7: early stopping")
};

class ExperimentRun {
public:
    // Every check that can fail on the experiment and its data happens here, before anything is written: the
    // thread count is set, the model built and compiled, checked against the data (image shape, classes), the
    // augmentation fitted (datagen.fit), the callbacks made for `folder`.
    ExperimentRun(Experiment experiment, const DatasetSplits& data, std::filesystem::path folder);
    ~ExperimentRun();
    ExperimentRun(const ExperimentRun&) = delete;
    ExperimentRun& operator=(const ExperimentRun&) = delete;

    // The experiment as it runs: threads is the count in use, so that config.toml re-runs to the same bits.
    const Experiment& experiment() const { return experiment_; }
    const Sequential& model() const { return *model_; }
    // What differs from what the file asked, for the user to hear before training (the precision a CPU lacks).
    const std::vector<std::string>& notices() const { return notices_; }

    // Writes `folder`: config.toml first; history.csv/.json and training_curves.png/.svg after every epoch;
    // model.safetensors (with its preprocessing and how it was trained), metrics.json,
    // classification_report.txt, confusion_matrix.csv/.png/.svg and report.html at the end.
    RunOutcome run(const RunOptions& options = {});

private:
    Experiment experiment_;
    const DatasetSplits& data_;
    std::filesystem::path folder_;
    std::unique_ptr<Sequential> model_;
    std::optional<Augmenter> augmenter_;
    std::vector<std::unique_ptr<Callback>> callbacks_;
    std::vector<std::string> notices_;
};

// runs/<name>-<date>-<time>, the default folder of a run.
std::filesystem::path timestamped_run_folder(const std::string& name);

}  // namespace nnlab
