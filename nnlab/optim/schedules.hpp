// Learning-rate schedules as pure functions of the epoch or the step
// (Keras: LearningRateScheduler functions, keras.optimizers.schedules).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace nnlab {

// The seed's schedule, per epoch (0-based): initial · drop^floor(epoch / epochs_drop).
struct StepDecay {
    double initial_learning_rate = 0.001;
    double drop = 0.5;
    int epochs_drop = 10;
    double operator()(int epoch) const;
};

// Keras ExponentialDecay, per step: initial · rate^(step / decay_steps), floored when staircase.
struct ExponentialDecay {
    double initial_learning_rate = 0.001;
    int64_t decay_steps = 1000;
    double decay_rate = 0.96;
    bool staircase = false;
    double operator()(int64_t step) const;
};

// Keras 3 CosineDecay, per step. Without warmup_target: from initial down to initial · alpha,
//   initial · ((1 − alpha) · ½(1 + cos(π · min(step, decay_steps) / decay_steps)) + alpha).
// With warmup_target: linear from initial to warmup_target over warmup_steps, then the cosine above from
// warmup_target (in place of initial) over the next decay_steps; past warmup_steps + decay_steps the rate stays
// at warmup_target · alpha.
struct CosineDecay {
    double initial_learning_rate = 0.001;
    int64_t decay_steps = 1000;
    double alpha = 0.0;
    std::optional<double> warmup_target;  // the rate the warm-up reaches; none: no warm-up
    int64_t warmup_steps = 0;             // >= 0; only with warmup_target
    double operator()(int64_t step) const;
};

// PyTorch's OneCycleLR (Smith & Topor 2017, "super-convergence"), the default two phases with cosine annealing,
// per step: from max_lr / div_factor up to max_lr over the first pct_start · total_steps − 1 steps, then down to
// max_lr / (div_factor · final_div_factor) at step total_steps − 1, where it stays. Only the learning rate
// cycles: PyTorch's cycle_momentum (β1 / momentum moved against the rate) is not done here.
struct OneCycle {
    double max_lr = 0.01;
    int64_t total_steps = 1000;
    double pct_start = 0.3;  // fraction of the steps spent warming up, in (0, 1)
    double div_factor = 25.0;
    double final_div_factor = 1e4;
    double operator()(int64_t step) const;
};

// A piecewise-linear rate over the run's progress, step / total_steps: learning_rate · factors[i] at boundaries[i],
// linear in between, the end factors held before the first boundary and after the last (PyTorch's LambdaLR over
// numpy.interp). The airbench recipes' triangle is boundaries 0, 0.23, 1 with factors 0.2, 1, 0.07.
struct PiecewiseLinear {
    double learning_rate = 0.01;
    std::vector<double> boundaries{0.0, 1.0};  // fractions of the run, in [0, 1], strictly increasing
    std::vector<double> factors{1.0, 1.0};     // >= 0, one per boundary
    int64_t total_steps = 1;                   // > 0
    // Throws KeyError naming boundaries, factors or total_steps when they do not describe such a schedule.
    void check() const;
    double operator()(int64_t step) const;
};

}  // namespace nnlab
