// RunRecorder — keeps a run folder's history files current after every epoch.
#include "nnlab/experiment/run_recorder.hpp"

#include "nnlab/core/atomic_write.hpp"
#include "nnlab/report/run_report.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

void RunRecorder::on_epoch_begin(int) {
    epoch_start_ = std::chrono::steady_clock::now();
}

void RunRecorder::on_epoch_end(int, const Logs&) {
    epoch_seconds_.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start_).count());
    const History& history = model_->history();
    write_file_atomically(folder_ / "history.csv", history.to_csv());
    write_file_atomically(folder_ / "history.json", history.to_json());
    write_training_curves(folder_, history);
}

void RunRecorder::save_state(TrainingState& state, const std::string& key) const {
    state.values()["callbacks"][key] = {{"epoch_seconds", epoch_seconds_}};
}

void RunRecorder::load_state(const TrainingState& state, const std::string& key) {
    epoch_seconds_ = state.value("callbacks").at(key).at("epoch_seconds").get<std::vector<double>>();
}

}  // namespace nnlab
