// LearningRateScheduler — sets the optimizer's learning rate at the start of every epoch.
#include "nnlab/train/callbacks/learning_rate_scheduler.hpp"

#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

LearningRateScheduler::LearningRateScheduler(std::function<double(int, double)> schedule)
    : schedule_(std::move(schedule)) {}

LearningRateScheduler::LearningRateScheduler(std::function<double(int)> schedule)
    : schedule_([s = std::move(schedule)](int epoch, double) { return s(epoch); }) {}

void LearningRateScheduler::on_epoch_begin(int epoch) {
    Optimizer& optimizer = model_->optimizer();
    const double rate = schedule_(epoch, optimizer.learning_rate());
    if (!std::isfinite(rate) || rate < 0.0) {
        throw Error("LearningRateScheduler: the schedule returned " + std::to_string(rate) + " for epoch " +
                    std::to_string(epoch) + "; expected a finite, non-negative learning rate");
    }
    optimizer.set_learning_rate(rate);
}

}  // namespace nnlab
