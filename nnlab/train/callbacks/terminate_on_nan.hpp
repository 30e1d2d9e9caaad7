// TerminateOnNaN — stops fit() at the first batch whose loss is nan or inf (Keras: keras.callbacks.TerminateOnNaN).
#pragma once

#include <cstdint>
#include <optional>

#include "nnlab/train/callback.hpp"

namespace nnlab {

// Without it, fit() throws on a non-finite loss; with it, fit() ends after that batch (on_train_end runs, the
// History holds the finished epochs) and the caller finds out here. Keras's raise_error=True is fit()'s own
// behaviour without this callback.
class TerminateOnNaN final : public Callback {
public:
    std::string type() const override { return "terminate_on_nan"; }
    void on_train_begin(const TrainPlan& plan) override;
    void on_epoch_begin(int epoch) override { epoch_ = epoch; }
    void on_batch_end(int64_t batch, const Logs& logs) override;

    struct Stop {
        int epoch = 0;      // from 0
        int64_t batch = 0;  // within the epoch, from 0
        double loss = 0.0;  // the logged (running mean) loss: nan or ±inf
    };
    // Where training was stopped in the last fit(), if it was.
    const std::optional<Stop>& stopped_at() const { return stopped_at_; }

private:
    int epoch_ = 0;
    std::optional<Stop> stopped_at_;
};

}  // namespace nnlab
