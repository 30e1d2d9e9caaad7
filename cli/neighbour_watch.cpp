// NeighbourWatch — while nnlab's threads spin by its own choice, watches whether other programs compute beside it.
#include "cli/neighbour_watch.hpp"

namespace nnlab::cli {

NeighbourWatch::NeighbourWatch(std::atomic<bool>& stop) : active_(spinning_by_choice()), stop_(stop) {}

void NeighbourWatch::on_train_begin(const TrainPlan&) {
    last_ = active_ ? cpu_times() : std::nullopt;
    busy_readings_ = 0;
}

void NeighbourWatch::on_batch_end(int64_t, const Logs&) {
    if (!last_ || std::chrono::steady_clock::now() - last_->at < interval) return;
    const std::optional<CpuTimes> now = cpu_times();
    if (!now) return;
    const double others = cores_used_by_others(*last_, *now);
    last_ = now;
    // Two readings in a row: a short burst (a compiler, a shell command) is not worth a restart.
    busy_readings_ = others >= busy_neighbour_cores ? busy_readings_ + 1 : 0;
    if (busy_readings_ >= 2) {
        switch_requested_ = true;
        stop_ = true;
        last_.reset();
    }
}

}  // namespace nnlab::cli
