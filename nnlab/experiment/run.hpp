// ExperimentRun — one experiment trained on its data into a run folder: the fit with its progress lines, the files
// a person reads afterwards and the figures that say how it went (what nnlab train and nnlab compare run).
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "nnlab/data/augment/augment.hpp"
#include "nnlab/data/dataset.hpp"
#include "nnlab/experiment/experiment.hpp"
#include "nnlab/train/callbacks/backup_and_restore.hpp"
#include "nnlab/train/classifier_evaluation.hpp"
#include "nnlab/train/history.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

struct RunOptions {
    std::ostream* progress = nullptr;  // Keras's per-epoch lines (verbose); none: silent
    bool live = false;                 // a live progress bar (a terminal) rather than plain lines
    int columns = 0;                   // the terminal's width, when live and known
    // Once true (a signal handler sets it), training stops after the current step: the state and the model so
    // far are saved, and run() throws Interrupted.
    const std::atomic<bool>* interrupt = nullptr;
    // More callbacks for fit(), after the experiment's own (not owned). A resumed run must be given the same.
    std::vector<Callback*> callbacks;
    // Data parallelism (mpirun): this process is one rank; every rank calls run() alike. Rank 0 alone writes the
    // run folder (the state, the model, the results); the others train and evaluate their shares.
    Communicator* data_parallel = nullptr;
};

struct RunOutcome {
    History history;
    double seconds = 0.0;               // the whole fit
    double median_epoch_seconds = 0.0;  // training and validation
    ClassifierEvaluation evaluation;    // the final model on the test split
    std::vector<std::string> events;    // what the callbacks did, as Keras prints them ("Epoch 7: early stopping")
    int state_saves = 0;                // training states written in this process, and the seconds they took
    double state_save_seconds = 0.0;
    int processes = 1;                    // data-parallel ranks that trained
    double reduction_wait_seconds = 0.0;  // what the steps waited for the gradient sums, over the fit
};

class ExperimentRun {
public:
    // Every check that can fail on the experiment and its data happens here, before anything is written: the
    // thread count is set, the model built and compiled, checked against the data (image shape, classes), the
    // augmentation fitted (datagen.fit), the callbacks made for `folder`. A folder holding a training state
    // (state/, written while a run trains) is continued from it: its state is read here, so a state that cannot
    // be read is an error before anything is written. Unless `continue_saved_state` is false: then run() starts
    // afresh and deletes that state first.
    ExperimentRun(Experiment experiment, const DatasetSplits& data, std::filesystem::path folder,
                  bool continue_saved_state = true);
    ~ExperimentRun();
    ExperimentRun(const ExperimentRun&) = delete;
    ExperimentRun& operator=(const ExperimentRun&) = delete;

    // The experiment as it runs: threads is the count in use, so that config.toml re-runs to the same bits.
    const Experiment& experiment() const { return experiment_; }
    const Sequential& model() const { return *model_; }
    // What differs from what the file asked, for the user to hear before training (the precision a CPU lacks).
    const std::vector<std::string>& notices() const { return notices_; }
    // Where the run continues from when the folder held a training state.
    const std::optional<FitPosition>& resumes_at() const { return resumes_at_; }
    // The folder of the training state (<folder>/state).
    std::filesystem::path state_folder() const { return folder_ / "state"; }

    // Writes `folder`: config.toml first; history.csv/.json and training_curves.png/.svg after every epoch;
    // model.safetensors (with its preprocessing and how it was trained), metrics.json,
    // classification_report.txt, confusion_matrix.csv/.png/.svg and report.html at the end. The training state
    // in state/ and the model so far at every epoch end and as [train] state_every_steps / state_every_minutes say.
    // Interrupted (RunOptions::interrupt): the state and the model so far are written, then Interrupted is thrown.
    RunOutcome run(const RunOptions& options = {});

private:
    Experiment experiment_;
    const DatasetSplits& data_;
    std::filesystem::path folder_;
    std::unique_ptr<Sequential> model_;
    std::optional<Augmenter> augmenter_;
    ModelMetadata metadata_;  // written with every model file of the run
    std::vector<std::unique_ptr<Callback>> callbacks_;
    std::unique_ptr<BackupAndRestore> backup_;
    std::optional<FitPosition> resumes_at_;
    bool continue_saved_state_;
    std::vector<std::string> notices_;
};

// "2 MPI ranks × 1 thread, on vm (2)": who trained a data-parallel run, for its report and the terminal.
std::string processes_text(const Communicator& ranks, int threads);

// runs/<name>-<date>-<time>, the default folder of a run.
std::filesystem::path timestamped_run_folder(const std::string& name);

}  // namespace nnlab
