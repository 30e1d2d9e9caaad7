// Running one experiment into a run folder (nnlab train, nnlab compare).
#include "cli/run_experiment.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "cli/run_recorder.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/core/threads.hpp"
#include "nnlab/data/dataset_lookup.hpp"
#include "nnlab/io/model_file.hpp"
#include "nnlab/report/atomic_write.hpp"
#include "nnlab/train/callbacks/early_stopping.hpp"
#include "nnlab/train/callbacks/progress_bar.hpp"
#include "nnlab/train/callbacks/terminate_on_nan.hpp"

namespace nnlab::cli {
namespace {

std::string duration_text(double seconds) {
    char text[64];
    if (seconds < 60)
        std::snprintf(text, sizeof text, "%.1f s", seconds);
    else
        std::snprintf(text, sizeof text, "%d min %02d s", static_cast<int>(seconds) / 60,
                      static_cast<int>(seconds) % 60);
    return text;
}

// What the callbacks did, in Keras's words (Keras prints these itself with verbose=1).
void report_callbacks(const std::vector<std::unique_ptr<Callback>>& callbacks, std::ostream& out) {
    for (const auto& callback : callbacks) {
        if (const auto* stop = dynamic_cast<const TerminateOnNaN*>(callback.get()); stop && stop->stopped_at()) {
            out << "Epoch " << stop->stopped_at()->epoch + 1 << ", batch " << stop->stopped_at()->batch + 1
                << ": invalid loss, terminating training\n";
        }
        if (const auto* early = dynamic_cast<const EarlyStopping*>(callback.get())) {
            if (early->stopped_epoch() > 0) out << "Epoch " << early->stopped_epoch() + 1 << ": early stopping\n";
            if (early->restored_best_weights()) {
                out << "Restoring model weights from the end of the best epoch: " << early->best_epoch() + 1 << ".\n";
            }
        }
    }
    out << std::flush;
}

}  // namespace

std::filesystem::path timestamped_run_folder(const std::string& name) {
    const std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    return std::filesystem::path("runs") / (name + "-" + stamp);
}

double peak_rss_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

double median(std::vector<double> values) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

DatasetSplits load_experiment_data(const Experiment& experiment, const std::optional<std::filesystem::path>& root) {
    DatasetSplits data = load_dataset(experiment.dataset, root);
    if (experiment.train_samples) data.train = data.train.take(*experiment.train_samples);
    if (experiment.test_samples) data.test = data.test.take(*experiment.test_samples);
    return data;
}

RunOutcome run_experiment(const Experiment& experiment, const DatasetSplits& data, const std::filesystem::path& folder,
                          std::ostream& out, bool live) {
    std::unique_ptr<Sequential> model = build_model(experiment, data.train.image_shape);
    std::optional<Augmenter> augmenter;
    if (experiment.augment) {
        augmenter.emplace(*experiment.augment, data.train.image_shape);
        if (experiment.augment->needs_fit()) augmenter->fit(data.train);  // datagen.fit(x_train)
    }
    if (model->precision() != experiment.precision) {
        out << "precision \"" << precision_name(experiment.precision) << "\" needs a CPU with AVX-512 BF16; this one "
            << "has none, so the run stays in " << precision_name(model->precision()) << "\n";
    }
    const std::string summary = model->summary();
    out << summary << std::flush;

    std::filesystem::create_directories(folder);
    const std::string config = experiment.to_toml();
    write_file_atomically(folder / "config.toml", config);

    std::vector<std::unique_ptr<Callback>> owned = schedule_callbacks(experiment);
    std::vector<std::unique_ptr<Callback>> configured =
        make_callbacks(experiment.callbacks, folder, {.class_names = data.train.class_names});
    RunRecorder recorder(folder);
    ProgressBar progress(out, {.verbose = experiment.verbose, .live = live});
    FitOptions fit{.batch_size = experiment.batch_size,
                   .epochs = experiment.epochs,
                   .validation_data = experiment.validation == "test" ? &data.test : nullptr,
                   .validation_split = experiment.validation_split,
                   .shuffle = experiment.shuffle,
                   .augmenter = augmenter ? &*augmenter : nullptr,
                   .workers = experiment.workers,
                   .callbacks = {}};
    for (auto& callback : owned) fit.callbacks.push_back(callback.get());
    for (auto& callback : configured) fit.callbacks.push_back(callback.get());
    fit.callbacks.push_back(&recorder);
    fit.callbacks.push_back(&progress);

    const auto start = std::chrono::steady_clock::now();
    model->fit(data.train, fit);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (experiment.verbose > 0) report_callbacks(configured, out);
    save_model(*model, folder / "model.safetensors", {.class_names = data.train.class_names});

    // The seed's evaluation: the trained model on the test split, every prediction counted.
    const std::string split = experiment.dataset + " test split (" + with_thousands(data.test.size()) + " images)";
    RunOutcome outcome{.history = recorder.history(),
                       .seconds = seconds,
                       .median_epoch_seconds = median(recorder.epoch_seconds()),
                       .evaluation = evaluate_classifier(*model, data.test, split, experiment.batch_size,
                                                         augmenter ? &*augmenter : nullptr)};
    write_evaluation_files(folder, outcome.evaluation);

    const RunReport report{
        .title = experiment.name,
        .facts = {{"Experiment file", experiment.file.string()},
                  {"Dataset", experiment.dataset + " (" + with_thousands(data.train.size()) + " training images, " +
                                  with_thousands(data.test.size()) + " test images)"},
                  {"Epochs", std::to_string(outcome.history.size())},
                  {"Training time", duration_text(outcome.seconds) + " (median " +
                                        duration_text(outcome.median_epoch_seconds) + " per epoch, " +
                                        std::to_string(thread_count()) +
                                        (thread_count() == 1 ? " thread)" : " threads)")},
                  {"Precision", precision_name(model->precision())},
                  {"Parameters", with_thousands(model->count_params())},
                  {"Test accuracy", fixed(outcome.evaluation.metrics.accuracy, 4)}},
        .config = config,
        .model_summary = summary,
        .history = &outcome.history,
        .evaluation = &outcome.evaluation};
    write_file_atomically(folder / "report.html", render_run_report(report));
    return outcome;
}

}  // namespace nnlab::cli
