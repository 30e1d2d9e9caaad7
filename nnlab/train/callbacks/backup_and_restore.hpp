// BackupAndRestore — keeps the latest training state in a folder while fit() runs, and continues from it when
// fit() starts again (Keras: keras.callbacks.BackupAndRestore). Unlike Keras's, the state holds everything the
// run depends on (TrainingState), so the resumed run is the uninterrupted one, bit for bit.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include "nnlab/io/model_file.hpp"
#include "nnlab/train/callback.hpp"
#include "nnlab/train/training_state.hpp"

namespace nnlab {

struct BackupAndRestoreOptions {
    // Keras's save_freq: the state is saved at every epoch end, and with save_steps > 0 also every that many
    // steps within an epoch.
    int64_t save_steps = 0;
    // Also within an epoch once this many minutes have passed since the last save (0: not by time). Bounds what a
    // kill can lose on long epochs, at one save per interval.
    double save_minutes = 0.0;
    // Keras's default: the state is deleted when fit() completes (a finished run has nothing to resume). nnlab
    // train keeps it, so that --epochs can extend a finished run.
    bool delete_checkpoint = true;
    // Not a Keras option: also write the model so far (save_model's file, with this metadata) at every epoch end,
    // in the same background write after the state, so that a run killed in its last epoch still leaves the model
    // of the epoch before (nnlab train's model.safetensors).
    std::optional<std::filesystem::path> model_file;
    ModelMetadata model_metadata;
};

// A save takes a copy of the state in the training thread (milliseconds) and writes it in a background thread
// (encoding, writing, fsync: ~0.1 s for the seed MLP's 20 MB), so training goes on meanwhile; the next save, the
// end of training and an interrupt wait for it. A write that fails stops training at the next step with the
// error, naming the file; the state before it is still there.
class BackupAndRestore final : public Callback {
public:
    // Throws KeyError naming the option when save_steps or save_minutes is negative.
    explicit BackupAndRestore(std::filesystem::path backup_dir, BackupAndRestoreOptions options = {});
    ~BackupAndRestore() override;
    BackupAndRestore(const BackupAndRestore&) = delete;
    BackupAndRestore& operator=(const BackupAndRestore&) = delete;

    // The state file, and the one it replaced (kept until the next save completes).
    std::filesystem::path state_file() const { return backup_dir_ / "training_state.safetensors"; }
    std::filesystem::path previous_state_file() const { return backup_dir_ / "training_state.previous.safetensors"; }

    // Reads the state when the folder holds one (the latest, else the previous one when the latest cannot be
    // read) and hands it to the model to continue from; throws nnlab::Error naming the files when neither reads.
    void on_train_begin(const TrainPlan& plan) override;
    void on_resume_point(const ResumePoint& point) override;
    void on_train_end(const Logs& logs) override;
    // A state the caller has already read from the folder (read_backup): the next on_train_begin continues from
    // it instead of reading the files again.
    void continue_from(TrainingState state, std::optional<std::string> fallback_reason = std::nullopt);

    // Whether this fit continued from a saved state, and what was wrong with the latest one when it fell back
    // to the previous.
    bool resumed() const { return resumed_; }
    const std::optional<std::string>& fallback_reason() const { return fallback_reason_; }
    // The saves in this fit, the seconds training waited for them (taking the copy, and waiting for the previous
    // write) and the seconds the writes took in the background, to weigh their cost.
    int saves() const { return saves_; }
    double save_seconds() const { return save_seconds_; }
    double write_seconds() const { return write_seconds_; }

private:
    void save(bool wait, bool epoch_end);
    // Waits for the write in progress, if any; rethrows its error.
    void finish_write();

    std::filesystem::path backup_dir_;
    BackupAndRestoreOptions options_;
    bool resumed_ = false;
    bool writes_ = true;  // false on the ranks other than 0 of a data-parallel fit
    std::optional<std::string> fallback_reason_;
    std::optional<TrainingState> handed_state_;
    std::optional<std::string> handed_fallback_reason_;
    int saves_ = 0;
    double save_seconds_ = 0.0;
    double write_seconds_ = 0.0;  // written by the writer thread, read after joining it
    std::thread writer_;
    std::exception_ptr write_error_;         // set by the writer thread; read after joining it
    std::atomic<bool> write_failed_{false};  // whether it has set write_error_, for the training thread to poll
    std::chrono::steady_clock::time_point last_save_;
};

// The state in `backup_dir` (BackupAndRestore's files), or nullopt when there is none; falls back to the previous
// state when the latest cannot be read, saying why in `fallback_reason`. Throws nnlab::Error when neither reads.
std::optional<TrainingState> read_backup(const std::filesystem::path& backup_dir,
                                         std::optional<std::string>* fallback_reason = nullptr);
// Whether `backup_dir` holds a state file (the latest or the previous), readable or not.
bool has_backup(const std::filesystem::path& backup_dir);

}  // namespace nnlab
