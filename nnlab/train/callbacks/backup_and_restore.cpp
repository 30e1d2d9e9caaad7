// BackupAndRestore — the training state saved while fit() runs, and read back when it starts again.
#include "nnlab/train/callbacks/backup_and_restore.hpp"

#include <cmath>

#include "nnlab/core/atomic_write.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

BackupAndRestore::BackupAndRestore(std::filesystem::path backup_dir, BackupAndRestoreOptions options)
    : backup_dir_(std::move(backup_dir)), options_(options) {
    if (options_.save_steps < 0) {
        throw KeyError("save_steps", "save_steps: expected 0 (epoch ends only) or more, found " +
                                         std::to_string(options_.save_steps));
    }
    if (!(options_.save_minutes >= 0.0) || !std::isfinite(options_.save_minutes)) {
        throw KeyError("save_minutes", "save_minutes: expected 0 (not by time) or more, found " +
                                           std::to_string(options_.save_minutes));
    }
}

BackupAndRestore::~BackupAndRestore() {
    if (writer_.joinable()) writer_.join();
}

std::optional<TrainingState> read_backup(const std::filesystem::path& backup_dir,
                                         std::optional<std::string>* fallback_reason) {
    const BackupAndRestore files(backup_dir);
    const std::filesystem::path latest = files.state_file(), previous = files.previous_state_file();
    std::error_code error;
    const bool has_latest = std::filesystem::exists(latest, error),
               has_previous = std::filesystem::exists(previous, error);
    if (!has_latest && !has_previous) return std::nullopt;
    std::string latest_problem;
    if (has_latest) {
        try {
            return TrainingState::read(latest);
        } catch (const Error& e) {
            if (!has_previous) throw;
            latest_problem = e.what();
        }
    } else {
        // A kill between the two renames of a save leaves only the previous state.
        latest_problem = latest.string() + ": missing";
    }
    try {
        TrainingState state = TrainingState::read(previous);
        if (fallback_reason != nullptr) *fallback_reason = latest_problem;
        return state;
    } catch (const Error& e) {
        throw Error("no readable training state in " + backup_dir.string() + ": " + latest_problem + "; and " +
                    e.what());
    }
}

bool has_backup(const std::filesystem::path& backup_dir) {
    const BackupAndRestore files(backup_dir);
    std::error_code error;
    return std::filesystem::exists(files.state_file(), error) ||
           std::filesystem::exists(files.previous_state_file(), error);
}

void BackupAndRestore::continue_from(TrainingState state, std::optional<std::string> fallback_reason) {
    handed_state_ = std::move(state);
    handed_fallback_reason_ = std::move(fallback_reason);
}

void BackupAndRestore::on_train_begin(const TrainPlan&) {
    if (writer_.joinable()) writer_.join();
    write_error_ = nullptr;
    write_failed_ = false;
    resumed_ = false;
    fallback_reason_.reset();
    saves_ = 0;
    save_seconds_ = 0.0;
    write_seconds_ = 0.0;
    // Under data parallelism every rank continues from the state, and rank 0 alone writes it.
    writes_ = model_->data_parallel() == nullptr || model_->data_parallel()->rank() == 0;
    if (writes_) {
        std::filesystem::create_directories(backup_dir_);
        remove_stale_temporary_files(backup_dir_);
    }
    std::optional<TrainingState> state;
    if (handed_state_) {
        state = std::move(handed_state_);
        fallback_reason_ = std::move(handed_fallback_reason_);
        handed_state_.reset();
        handed_fallback_reason_.reset();
    } else {
        state = read_backup(backup_dir_, &fallback_reason_);
    }
    if (state) {
        model_->resume_from(std::move(*state));
        resumed_ = true;
    }
    last_save_ = std::chrono::steady_clock::now();
}

void BackupAndRestore::on_resume_point(const ResumePoint& point) {
    // A failed write stops training as soon as it is known.
    if (write_failed_.load()) finish_write();
    bool due = point.interrupted || point.epoch_end;
    // The last step of an epoch is followed at once by its end, saved anyway.
    if (!due && point.position.step < point.steps_per_epoch) {
        due = (options_.save_steps > 0 && point.position.step % options_.save_steps == 0) ||
              (options_.save_minutes > 0.0 &&
               std::chrono::duration<double>(std::chrono::steady_clock::now() - last_save_).count() >=
                   options_.save_minutes * 60.0);
    }
    // An interrupted fit ends here: its state must be on disk before it does.
    if (due && writes_) save(point.interrupted, point.epoch_end);
}

void BackupAndRestore::finish_write() {
    if (writer_.joinable()) writer_.join();
    if (write_error_) {
        const std::exception_ptr error = write_error_;
        write_error_ = nullptr;
        write_failed_ = false;
        std::rethrow_exception(error);
    }
}

void BackupAndRestore::save(bool wait, bool epoch_end) {
    const auto start = std::chrono::steady_clock::now();
    finish_write();  // one write at a time, in order
    TrainingState state = model_->training_state();
    std::optional<std::string> model_bytes;
    if (epoch_end && options_.model_file)
        model_bytes = encode_model(*model_, options_.model_metadata, "save_model " + options_.model_file->string());
    writer_ = std::thread([this, state = std::move(state), model_bytes = std::move(model_bytes)] {
        const auto write_start = std::chrono::steady_clock::now();
        try {
            write_file_atomically(state_file(), state.encode(), previous_state_file());
            if (model_bytes) write_file_atomically(*options_.model_file, *model_bytes);
        } catch (...) {
            write_error_ = std::current_exception();
            write_failed_ = true;
        }
        write_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - write_start).count();
    });
    if (wait) finish_write();
    last_save_ = std::chrono::steady_clock::now();
    save_seconds_ += std::chrono::duration<double>(last_save_ - start).count();
    ++saves_;
}

void BackupAndRestore::on_train_end(const Logs&) {
    finish_write();
    if (!options_.delete_checkpoint) return;
    std::error_code error;
    std::filesystem::remove(state_file(), error);
    std::filesystem::remove(previous_state_file(), error);
}

}  // namespace nnlab
