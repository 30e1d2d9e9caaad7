// ExperimentRun — one experiment trained into a run folder (nnlab train, nnlab compare).
#include "nnlab/experiment/run.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "nnlab/core/atomic_write.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/statistics.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/core/threads.hpp"
#include "nnlab/experiment/experiment_setup.hpp"
#include "nnlab/experiment/run_recorder.hpp"
#include "nnlab/io/model_file.hpp"
#include "nnlab/report/run_report.hpp"
#include "nnlab/train/callbacks/early_stopping.hpp"
#include "nnlab/train/callbacks/progress_bar.hpp"
#include "nnlab/train/callbacks/terminate_on_nan.hpp"
#include "nnlab/train/test_time_augmentation.hpp"

namespace nnlab {
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
std::vector<std::string> callback_events(const std::vector<std::unique_ptr<Callback>>& callbacks) {
    std::vector<std::string> events;
    for (const auto& callback : callbacks) {
        if (const auto* stop = dynamic_cast<const TerminateOnNaN*>(callback.get()); stop && stop->stopped_at()) {
            events.push_back("Epoch " + std::to_string(stop->stopped_at()->epoch + 1) + ", batch " +
                             std::to_string(stop->stopped_at()->batch + 1) + ": invalid loss, terminating training");
        }
        if (const auto* early = dynamic_cast<const EarlyStopping*>(callback.get())) {
            if (early->stopped_epoch() > 0)
                events.push_back("Epoch " + std::to_string(early->stopped_epoch() + 1) + ": early stopping");
            if (early->restored_best_weights()) {
                events.push_back("Restoring model weights from the end of the best epoch: " +
                                 std::to_string(early->best_epoch() + 1) + ".");
            }
        }
    }
    return events;
}

}  // namespace

std::filesystem::path timestamped_run_folder(const std::string& name) {
    const std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    return std::filesystem::path("runs") / (name + "-" + stamp);
}

ExperimentRun::ExperimentRun(Experiment experiment, const DatasetSplits& data, std::filesystem::path folder,
                             bool continue_saved_state)
    : experiment_(std::move(experiment)),
      data_(data),
      folder_(std::move(folder)),
      continue_saved_state_(continue_saved_state) {
    // Before the model is built: oneDNN splits its work when a primitive is created.
    if (experiment_.threads > 0) set_thread_count(experiment_.threads);
    experiment_.threads = thread_count();
    check_experiment_data(experiment_, data_);
    model_ = build_model(experiment_, data_.train.image_shape);
    if (experiment_.init_from) {
        try {
            load_weights(*model_, *experiment_.init_from);
        } catch (const Error& error) {
            experiment_.fail("model.init_from", error.what());
        }
    }
    if (experiment_.threads > available_cores()) {
        notices_.push_back(std::to_string(experiment_.threads) + " threads on " + std::to_string(available_cores()) +
                           " cores: every step waits for all of them, so this run is slower than with " +
                           std::to_string(available_cores()) + " (keep the count only to repeat a run's exact bits)");
    }
    if (model_->precision() != experiment_.precision) {
        notices_.push_back("precision \"" + std::string(precision_name(experiment_.precision)) +
                           "\" needs a CPU with AVX-512 BF16; this one has none, so the run stays in " +
                           precision_name(model_->precision()));
    }
    augmenter_ = make_augmenter(experiment_, data_.train);
    // A model whose weights come from a file keeps them, and a resumed run's saved weights replace these.
    if (!experiment_.init_from) adapt_model(*model_, data_.train, augmenter_ ? &*augmenter_ : nullptr);
    metadata_ = training_metadata(data_.train, experiment_.dataset, experiment_.batch_size,
                                  augmenter_ ? &*augmenter_ : nullptr, experiment_.csv);
    const LogKeys logs = expected_log_keys(experiment_);
    callbacks_ = make_experiment_callbacks(
        experiment_, {.run_folder = folder_,
                      .metadata = metadata_,
                      .logs = &logs,
                      .schedule = experiment_.schedule ? (*experiment_.schedule)["type"].get<std::string>() : "",
                      .reserved_files = run_files()});
    backup_ = std::make_unique<BackupAndRestore>(
        state_folder(), BackupAndRestoreOptions{.save_steps = experiment_.state_every_steps,
                                                .save_minutes = experiment_.state_every_minutes,
                                                .delete_checkpoint = false,
                                                .model_file = folder_ / "model.safetensors",
                                                .model_metadata = metadata_});
    std::optional<std::string> fallback;
    if (!continue_saved_state_) return;
    std::optional<TrainingState> state = read_backup(state_folder(), &fallback);
    if (!state) return;
    try {
        const nlohmann::json& position = state->value("position");
        resumes_at_ = FitPosition{position.at("epoch").get<int>(), position.at("step").get<int64_t>()};
    } catch (const nlohmann::json::exception& error) {
        state->fail(std::string("malformed: ") + error.what());
    }
    if (fallback)
        notices_.push_back("the latest training state cannot be read (" + *fallback +
                           "); continuing from the one before it");
    // Read once: fit continues from this copy rather than reading the files again.
    backup_->continue_from(std::move(*state), std::move(fallback));
}

ExperimentRun::~ExperimentRun() = default;

RunOutcome ExperimentRun::run(const RunOptions& options) {
    const Augmenter* augmenter = augmenter_ ? &*augmenter_ : nullptr;
    const DatasetSplits& data = data_;
    Communicator* const ranks = options.data_parallel;
    const bool writes = ranks == nullptr || ranks->rank() == 0;  // the run folder is rank 0's
    const std::string config = experiment_.to_toml();
    if (writes) {
        std::filesystem::create_directories(folder_);
        remove_stale_temporary_files(folder_);  // a killed run's half-written files
        if (!continue_saved_state_) std::filesystem::remove_all(state_folder());
        write_file_atomically(folder_ / "config.toml", config);
    }

    RunRecorder recorder(folder_);
    std::optional<ProgressBar> progress;
    FitOptions fit{.batch_size = experiment_.batch_size,
                   .epochs = experiment_.whole_epochs(),
                   .validation_data = experiment_.validation == "test" ? &data.test : nullptr,
                   .validation_split = experiment_.validation_split,
                   .shuffle = experiment_.shuffle,
                   .augmenter = augmenter,
                   .workers = experiment_.workers,
                   .callbacks = {backup_.get()},
                   .interrupt = options.interrupt,
                   .data_parallel = ranks};
    if (experiment_.epochs != std::floor(experiment_.epochs)) {
        fit.max_steps =
            static_cast<int64_t>(std::ceil(experiment_.epochs * double(Sequential::steps_per_epoch(data.train, fit))));
    }
    for (auto& callback : callbacks_) fit.callbacks.push_back(callback.get());
    fit.callbacks.push_back(&recorder);
    for (Callback* callback : options.callbacks) fit.callbacks.push_back(callback);
    if (options.progress != nullptr) {
        progress.emplace(
            *options.progress,
            ProgressBar::Options{.verbose = experiment_.verbose, .live = options.live, .columns = options.columns});
        fit.callbacks.push_back(&*progress);
    }

    try {
        model_->fit(data.train, fit);
    } catch (const Interrupted&) {
        // The model so far; the state is saved.
        if (writes) save_model(*model_, folder_ / "model.safetensors", metadata_);
        throw;
    }
    const double seconds = model_->trained_seconds();
    if (writes) save_model(*model_, folder_ / "model.safetensors", metadata_);

    // The seed's evaluation: the trained model on the test split, every prediction counted, its inputs
    // standardised as in training.
    const std::string examples = data.test.has_features() ? " examples)" : " images)";
    const std::string split = experiment_.dataset + " test split (" + with_thousands(data.test.size()) + examples;
    RunOutcome outcome{
        .history = model_->history(),
        .seconds = seconds,
        .median_epoch_seconds = median(recorder.epoch_seconds()),
        .evaluation = experiment_.tta_level > 0
                          ? evaluate_probabilities(predict_probabilities(*model_, data.test,
                                                                         {.batch_size = experiment_.batch_size,
                                                                          .augmenter = augmenter,
                                                                          .tta_level = experiment_.tta_level}),
                                                   data.test, split + tta_suffix(experiment_.tta_level),
                                                   &model_->loss(), model_->metrics())
                          : evaluate_classifier(*model_, data.test, split, experiment_.batch_size, augmenter, ranks),
        .events = experiment_.verbose > 0 ? callback_events(callbacks_) : std::vector<std::string>{},
        .state_saves = backup_->saves(),
        .state_save_seconds = backup_->save_seconds(),
        .processes = ranks != nullptr ? ranks->size() : 1,
        .reduction_wait_seconds = model_->reduction_wait_seconds()};
    if (!writes) return outcome;
    write_evaluation_files(folder_, outcome.evaluation);

    const int threads = experiment_.threads;
    std::vector<std::pair<std::string, std::string>> facts{
        {"Experiment file", experiment_.file.string()},
        {"Dataset", experiment_.dataset + " (" + with_thousands(data.train.size()) + " training" +
                        examples.substr(0, examples.size() - 1) + ", " + with_thousands(data.test.size()) + " test" +
                        examples},
        {"Epochs", std::to_string(outcome.history.size())},
        {"Training time", duration_text(outcome.seconds) + " (median " + duration_text(outcome.median_epoch_seconds) +
                              " per epoch, " + std::to_string(threads) + (threads == 1 ? " thread)" : " threads)")},
        {"Precision", precision_name(model_->precision())},
        {"Parameters", with_thousands(model_->count_params())},
        {"Test accuracy", fixed(outcome.evaluation.metrics.accuracy, 4)}};
    if (ranks != nullptr) facts.insert(facts.begin() + 4, {"Processes", processes_text(*ranks, threads)});
    const RunReport report{.title = experiment_.name,
                           .facts = std::move(facts),
                           .config = config,
                           .model_summary = model_->summary(),
                           .history = &outcome.history,
                           .evaluation = &outcome.evaluation};
    write_file_atomically(folder_ / "report.html", render_run_report(report));
    return outcome;
}

std::string processes_text(const Communicator& ranks, int threads) {
    // "2 MPI ranks × 1 thread, on vm (2)"; hosts in rank order, each with its count of ranks.
    std::vector<std::pair<std::string, int>> hosts;
    for (const std::string& host : ranks.hosts()) {
        if (hosts.empty() || hosts.back().first != host)
            hosts.emplace_back(host, 1);
        else
            ++hosts.back().second;
    }
    std::string text = std::to_string(ranks.size()) + " MPI ranks × " + std::to_string(threads) +
                       (threads == 1 ? " thread" : " threads") + ", on ";
    for (size_t i = 0; i < hosts.size(); ++i)
        text += (i > 0 ? ", " : "") + hosts[i].first + " (" + std::to_string(hosts[i].second) + ")";
    return text;
}

}  // namespace nnlab
