// Schedule config — the [schedule] table of an experiment file: Keras's step_decay (LearningRateScheduler),
// exponential_decay and cosine_decay, and PyTorch's one_cycle; checked at load time, written back into the
// resolved config, and carried out on a run's optimizer or by its callbacks.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "cli/config_reader.hpp"
#include "nnlab/optim/optimizer.hpp"
#include "nnlab/train/callback.hpp"

namespace nnlab::cli {

struct ScheduleConfig {
    std::string type;                      // "step_decay", "exponential_decay", "cosine_decay", "one_cycle"
    double initial_learning_rate = 0.001;  // all but one_cycle
    double drop = 0.5;                     // step_decay
    int epochs_drop = 10;                  // step_decay
    int64_t decay_steps = 0;               // exponential_decay, cosine_decay
    double decay_rate = 0.96;              // exponential_decay
    bool staircase = false;                // exponential_decay
    double alpha = 0.0;                    // cosine_decay
    std::optional<double> warmup_target;   // cosine_decay: warm up linearly to this rate first
    int64_t warmup_steps = 0;              // cosine_decay, with warmup_target
    double max_lr = 0.001;                 // one_cycle (total_steps = epochs × steps per epoch, set at fit)
    double pct_start = 0.3;                // one_cycle
    double div_factor = 25.0;              // one_cycle
    double final_div_factor = 1e4;         // one_cycle
};

// Reads and checks every key (unknown keys, types and ranges are errors naming the line). The initial learning
// rate defaults to the optimizer's, when the [optimizer] table gives one.
ScheduleConfig read_schedule_config(const ConfigReader& table, std::optional<double> optimizer_learning_rate);
// Every key, for the resolved config.
toml::table schedule_config_to_toml(const ScheduleConfig& config);

// exponential_decay and cosine_decay run per step inside the optimizer; the others leave it alone.
void set_per_step_schedule(const ScheduleConfig& config, Optimizer& optimizer);
// The callbacks that carry out step_decay (a LearningRateScheduler) and one_cycle (which sets the per-step
// schedule once fit() knows the steps per epoch); none for the others.
std::vector<std::unique_ptr<Callback>> make_schedule_callbacks(const ScheduleConfig& config);

}  // namespace nnlab::cli
