// Learning-rate schedules as pure functions of the epoch or the step
// (Keras: LearningRateScheduler functions, optimizers.schedules.ExponentialDecay / CosineDecay; PyTorch: OneCycleLR).
#include "nnlab/optim/schedules.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "nnlab/core/error.hpp"

namespace nnlab {

double StepDecay::operator()(int epoch) const {
    if (epochs_drop <= 0) {
        throw KeyError("epochs_drop", "epochs_drop: expected a positive integer, found " + std::to_string(epochs_drop));
    }
    // floor, not integer division, so that a negative epoch (never passed by fit) is still consistent.
    const double drops = std::floor(static_cast<double>(epoch) / epochs_drop);
    return initial_learning_rate * std::pow(drop, drops);
}

double ExponentialDecay::operator()(int64_t step) const {
    // Keras rejects decay_steps <= 0 when the schedule is made; an aggregate can only check when used.
    if (decay_steps <= 0) {
        throw KeyError("decay_steps", "decay_steps: expected a positive integer, found " + std::to_string(decay_steps));
    }
    double p = static_cast<double>(step) / static_cast<double>(decay_steps);
    if (staircase) p = std::floor(p);
    return initial_learning_rate * std::pow(decay_rate, p);
}

double CosineDecay::operator()(int64_t step) const {
    if (decay_steps <= 0) {
        throw KeyError("decay_steps", "decay_steps: expected a positive integer, found " + std::to_string(decay_steps));
    }
    if (warmup_steps < 0) {
        throw KeyError("warmup_steps", "warmup_steps: expected an integer >= 0, found " + std::to_string(warmup_steps));
    }
    auto decayed = [this](int64_t decay_step, double from) {
        // Past decay_steps the rate stays at its floor, from · alpha.
        const double fraction =
            static_cast<double>(std::min(decay_step, decay_steps)) / static_cast<double>(decay_steps);
        const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * fraction));
        return from * ((1.0 - alpha) * cosine + alpha);
    };
    if (!warmup_target) return decayed(step, initial_learning_rate);
    if (step < warmup_steps) {
        const double fraction = static_cast<double>(step) / static_cast<double>(warmup_steps);
        return initial_learning_rate + (*warmup_target - initial_learning_rate) * fraction;
    }
    return decayed(step - warmup_steps, *warmup_target);
}

double OneCycle::operator()(int64_t step) const {
    if (!(max_lr > 0.0)) throw KeyError("max_lr", "max_lr: expected a number > 0, found " + std::to_string(max_lr));
    if (!(pct_start > 0.0 && pct_start < 1.0)) {
        throw KeyError("pct_start", "pct_start: expected a fraction in (0, 1), found " + std::to_string(pct_start));
    }
    if (!(div_factor > 0.0)) {
        throw KeyError("div_factor", "div_factor: expected a number > 0, found " + std::to_string(div_factor));
    }
    if (!(final_div_factor > 0.0)) {
        throw KeyError("final_div_factor",
                       "final_div_factor: expected a number > 0, found " + std::to_string(final_div_factor));
    }
    // PyTorch's phase ends (as floats): the peak at pct_start · total − 1, the floor at total − 1. Each phase
    // needs a positive length, else PyTorch divides by zero.
    const double peak_step = pct_start * static_cast<double>(total_steps) - 1.0;
    const double last_step = static_cast<double>(total_steps) - 1.0;
    if (!(peak_step > 0.0) || !(last_step > peak_step)) {
        throw KeyError("total_steps", "total_steps: " + std::to_string(total_steps) + " steps with pct_start " +
                                          std::to_string(pct_start) +
                                          " leave a warm-up or an annealing phase of no steps; expected "
                                          "pct_start · total_steps > 1 and total_steps > pct_start · total_steps");
    }
    const double initial = max_lr / div_factor;
    const double floor = initial / final_div_factor;
    // PyTorch's _annealing_cos: from `start` at pct 0 to `end` at pct 1.
    auto anneal = [](double start, double end, double pct) {
        return end + (start - end) / 2.0 * (std::cos(std::numbers::pi * pct) + 1.0);
    };
    // PyTorch refuses to step past total_steps; a pure function of the step stays at the floor instead.
    const double s = std::min(static_cast<double>(std::max<int64_t>(step, 0)), last_step);
    if (s <= peak_step) return anneal(initial, max_lr, s / peak_step);
    return anneal(max_lr, floor, (s - peak_step) / (last_step - peak_step));
}

void PiecewiseLinear::check() const {
    if (boundaries.empty() || boundaries.size() != factors.size()) {
        throw KeyError("factors", "factors: expected one factor per boundary (" + std::to_string(boundaries.size()) +
                                      " boundaries), found " + std::to_string(factors.size()));
    }
    for (size_t i = 0; i < boundaries.size(); ++i) {
        const double b = boundaries[i];
        if (!(b >= 0.0 && b <= 1.0) || (i > 0 && !(b > boundaries[i - 1]))) {
            throw KeyError("boundaries",
                           "boundaries: expected strictly increasing fractions of the run in [0, 1], "
                           "found " +
                               std::to_string(b) + " at position " + std::to_string(i + 1));
        }
        if (!(factors[i] >= 0.0) || !std::isfinite(factors[i])) {
            throw KeyError("factors", "factors: expected numbers >= 0, found " + std::to_string(factors[i]) +
                                          " at position " + std::to_string(i + 1));
        }
    }
    if (total_steps <= 0) {
        throw KeyError("total_steps",
                       "total_steps: expected a positive number of steps, found " + std::to_string(total_steps));
    }
}

double PiecewiseLinear::operator()(int64_t step) const {
    const double progress = static_cast<double>(std::max<int64_t>(step, 0)) / static_cast<double>(total_steps);
    if (progress <= boundaries.front()) return learning_rate * factors.front();
    for (size_t i = 1; i < boundaries.size(); ++i) {
        if (progress <= boundaries[i]) {
            const double t = (progress - boundaries[i - 1]) / (boundaries[i] - boundaries[i - 1]);
            return learning_rate * (factors[i - 1] + t * (factors[i] - factors[i - 1]));
        }
    }
    return learning_rate * factors.back();
}

}  // namespace nnlab
