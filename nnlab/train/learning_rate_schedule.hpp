// LearningRateSchedule — a run's learning rate over its epochs or steps as a description names it: Keras's step
// decay (a LearningRateScheduler function), ExponentialDecay and CosineDecay (LearningRateSchedule classes, by
// their snake-case names), PyTorch's OneCycleLR and a piecewise-linear shape over the run; carried out during fit()
// by a callback.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "nnlab/config/reader.hpp"
#include "nnlab/config/registry.hpp"
#include "nnlab/train/callback.hpp"

namespace nnlab {

class LearningRateSchedule {
public:
    virtual ~LearningRateSchedule() = default;
    // "step_decay", "exponential_decay", "cosine_decay", "one_cycle", "piecewise_linear"
    virtual std::string type() const = 0;
    // Every key of its description but "type", defaults filled in.
    virtual config::Description config() const = 0;
    // The callback that carries the schedule out in fit(): step_decay sets the rate at each epoch's start (as
    // Keras's LearningRateScheduler); the others set a per-step schedule on the optimizer when training begins,
    // once fit() knows the number of steps (one_cycle's length is epochs × steps per epoch).
    virtual std::unique_ptr<Callback> make_callback() const = 0;
};

// The context of a schedule's description: the optimizer's learning rate, the default of initial_learning_rate
// (and of one_cycle's max_lr).
using ScheduleRegistry = config::Registry<LearningRateSchedule, double>;
ScheduleRegistry& schedule_registry();

// From a [schedule] description: {"type": "step_decay", "drop": 0.5, …}. Every key and range is checked; errors
// name the key (config::ConfigError).
std::unique_ptr<LearningRateSchedule> schedule_from(const config::Reader& description, double optimizer_learning_rate);
// {"type", and config()}, what schedule_from reads back.
config::Description schedule_description(const LearningRateSchedule& schedule);

}  // namespace nnlab
