// RunRecorder — keeps a run folder's history files current after every epoch.
#include "cli/run_recorder.hpp"

#include "nnlab/report/atomic_write.hpp"
#include "nnlab/report/run_report.hpp"

namespace nnlab::cli {

void RunRecorder::on_epoch_begin(int) {
    epoch_start_ = std::chrono::steady_clock::now();
}

void RunRecorder::on_epoch_end(int epoch, const Logs& logs) {
    epoch_seconds_.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start_).count());
    history_.append(epoch, logs);
    write_file_atomically(folder_ / "history.csv", history_.to_csv());
    write_file_atomically(folder_ / "history.json", history_.to_json());
    write_training_curves(folder_, history_);
}

}  // namespace nnlab::cli
