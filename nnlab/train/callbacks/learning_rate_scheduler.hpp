// LearningRateScheduler — sets the optimizer's learning rate at the start of every epoch
// (Keras: keras.callbacks.LearningRateScheduler).
#pragma once

#include <functional>

#include "nnlab/train/callback.hpp"

namespace nnlab {

class LearningRateScheduler final : public Callback {
public:
    // schedule(epoch, current learning rate) → the rate for this epoch; epochs count from 0.
    explicit LearningRateScheduler(std::function<double(int epoch, double lr)> schedule);
    // schedule(epoch) → rate, e.g. StepDecay{0.001, 0.5, 10}.
    explicit LearningRateScheduler(std::function<double(int epoch)> schedule);

    void on_epoch_begin(int epoch) override;

private:
    std::function<double(int, double)> schedule_;
};

}  // namespace nnlab
