// RunRecorder — keeps a run folder current: history.csv, history.json and the training curves after every epoch,
// so an interrupted run loses nothing already finished; also times each epoch for the closing summary.
#pragma once

#include <chrono>
#include <filesystem>
#include <vector>

#include "nnlab/train/callback.hpp"

namespace nnlab {

class RunRecorder final : public Callback {
public:
    bool reports_only() const override { return true; }
    explicit RunRecorder(std::filesystem::path folder) : folder_(std::move(folder)) {}

    void on_epoch_begin(int epoch) override;
    // Writes the model's history (fit() appends the epoch before the callbacks run).
    void on_epoch_end(int epoch, const Logs& logs) override;
    // The epoch times so far, so that a resumed run's summary counts every epoch.
    bool keeps_state() const override { return true; }
    void save_state(TrainingState& state, const std::string& key) const override;
    void load_state(const TrainingState& state, const std::string& key) override;

    const std::vector<double>& epoch_seconds() const { return epoch_seconds_; }

private:
    std::filesystem::path folder_;
    std::chrono::steady_clock::time_point epoch_start_;
    std::vector<double> epoch_seconds_;
};

}  // namespace nnlab
