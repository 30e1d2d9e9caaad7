// Learning-rate schedules as pure functions of the epoch or the step
// (Keras: LearningRateScheduler functions, keras.optimizers.schedules).
#pragma once

#include <cstdint>

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

// Keras CosineDecay, per step: initial · ((1 − alpha) · ½(1 + cos(π · min(step, decay_steps) / decay_steps)) + alpha).
struct CosineDecay {
    double initial_learning_rate = 0.001;
    int64_t decay_steps = 1000;
    double alpha = 0.0;
    double operator()(int64_t step) const;
};

}  // namespace nnlab
