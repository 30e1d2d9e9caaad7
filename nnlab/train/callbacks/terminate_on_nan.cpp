// TerminateOnNaN — the "loss" of each batch's logs checked for nan and inf, as Keras does.
#include "nnlab/train/callbacks/terminate_on_nan.hpp"

#include <cmath>

#include "nnlab/train/sequential.hpp"

namespace nnlab {

void TerminateOnNaN::on_train_begin(const TrainPlan&) {
    stopped_at_.reset();
    epoch_ = 0;
}

void TerminateOnNaN::on_batch_end(int64_t batch, const Logs& logs) {
    const auto loss = logs.get("loss");
    if (!loss || std::isfinite(*loss)) return;
    stopped_at_ = Stop{epoch_, batch, *loss};
    model_->stop_training = true;
}

}  // namespace nnlab
