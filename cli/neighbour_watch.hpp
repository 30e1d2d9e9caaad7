// NeighbourWatch — a run whose OpenMP threads spin (nnlab chose it: the machine was idle when it started) is
// stopped at the next step once other programs have been computing beside it for two seconds, so that the command
// continues it under OMP_WAIT_POLICY=passive from its saved state, bit for bit the same run: spinning beside other
// work made a step 3–7× slower, sleeping keeps it within 1.5× (docs/measurements.md, "A busy machine").
#pragma once

#include <atomic>
#include <chrono>
#include <optional>

#include "cli/commands.hpp"
#include "nnlab/core/resource_usage.hpp"
#include "nnlab/train/callback.hpp"

namespace nnlab::cli {

class NeighbourWatch final : public Callback {
public:
    // Sets `stop` (the run's interrupt flag) when the switch is due; inactive unless spinning_by_choice().
    explicit NeighbourWatch(std::atomic<bool>& stop);

    void on_train_begin(const TrainPlan& plan) override;
    void on_batch_end(int64_t batch, const Logs& logs) override;

    // Whether it stopped the run to continue it under passive.
    bool switch_requested() const { return switch_requested_; }

    static constexpr std::chrono::seconds interval{1};

private:
    bool active_;
    std::atomic<bool>& stop_;
    std::optional<CpuTimes> last_;
    int busy_readings_ = 0;
    bool switch_requested_ = false;
};

}  // namespace nnlab::cli
