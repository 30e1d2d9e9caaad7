// Learning-rate schedules as pure functions of the epoch or the step
// (Keras: LearningRateScheduler functions, optimizers.schedules.ExponentialDecay / CosineDecay).
#include "nnlab/optim/schedules.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "nnlab/core/error.hpp"

namespace nnlab {

double StepDecay::operator()(int epoch) const {
    if (epochs_drop <= 0) {
        throw KeyError("epochs_drop", "epochs_drop: expected a positive integer, got " + std::to_string(epochs_drop));
    }
    // floor, not integer division, so that a negative epoch (never passed by fit) is still consistent.
    const double drops = std::floor(static_cast<double>(epoch) / epochs_drop);
    return initial_learning_rate * std::pow(drop, drops);
}

double ExponentialDecay::operator()(int64_t step) const {
    // Keras rejects decay_steps <= 0 when the schedule is made; an aggregate can only check when used.
    if (decay_steps <= 0) {
        throw KeyError("decay_steps", "decay_steps: expected a positive integer, got " + std::to_string(decay_steps));
    }
    double p = static_cast<double>(step) / static_cast<double>(decay_steps);
    if (staircase) p = std::floor(p);
    return initial_learning_rate * std::pow(decay_rate, p);
}

double CosineDecay::operator()(int64_t step) const {
    if (decay_steps <= 0) {
        throw KeyError("decay_steps", "decay_steps: expected a positive integer, got " + std::to_string(decay_steps));
    }
    // Past decay_steps the rate stays at its floor, initial · alpha.
    const double fraction = static_cast<double>(std::min(step, decay_steps)) / static_cast<double>(decay_steps);
    const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * fraction));
    return initial_learning_rate * ((1.0 - alpha) * cosine + alpha);
}

}  // namespace nnlab
