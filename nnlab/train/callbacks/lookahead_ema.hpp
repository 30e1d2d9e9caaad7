// LookaheadEma — an exponential moving average of the weights that is copied back into them every few steps, as
// the Lookahead optimizer's slow weights are (airbench's LookaheadState; Keras 3's optimizers have use_ema with
// ema_overwrite_frequency, which averages every step instead). The averaged weights include batch norm's moving
// statistics, as airbench averages the whole state_dict.
#pragma once

#include "nnlab/tensor/tensor.hpp"
#include "nnlab/train/callback.hpp"

namespace nnlab {

struct LookaheadEmaOptions {
    int start_epoch = 3;       // the first epoch (from 0) that averages
    int every_steps = 5;       // the average is taken and copied back at every this-many-th step of the run
    double decay = 0.95;       // per step; an update decays by decay^every_steps …
    double decay_power = 3.0;  // … times (step / total steps)^decay_power: weak early, strong at the end
};

class LookaheadEma final : public Callback {
public:
    // Throws KeyError naming the option out of range: start_epoch >= 0, every_steps >= 1, decay in [0, 1],
    // decay_power >= 0.
    explicit LookaheadEma(LookaheadEmaOptions options = {});

    std::string type() const override { return "lookahead_ema"; }
    config::Description config() const override;
    void on_train_begin(const TrainPlan& plan) override;
    void on_epoch_begin(int epoch) override { epoch_ = epoch; }
    // At run step s (from 1) of an epoch ≥ start_epoch with s % every_steps == 0: the first time, the average
    // starts as a copy of the weights; after that ema += (1 − ρ)·(w − ema) with ρ = decay^every_steps ·
    // (s / total)^decay_power, and w = ema.
    void on_batch_end(int64_t step, const Logs& logs) override;
    // Once averaging has started, every epoch ends with w = ema (airbench's update with decay 1).
    void on_epoch_end(int epoch, const Logs& logs) override;
    bool keeps_state() const override { return true; }
    void save_state(TrainingState& state, const std::string& key) const override;
    void load_state(const TrainingState& state, const std::string& key) override;

    // The average (a copy of the whole weight arena), empty before the first update.
    const Tensor& average() const { return average_; }
    // ρ at run step `step` of `total`.
    double rho(int64_t step, int64_t total) const;

private:
    LookaheadEmaOptions options_;
    int epoch_ = 0;
    int64_t steps_per_epoch_ = 0;
    int64_t total_steps_ = 0;
    Tensor average_;
};

}  // namespace nnlab
