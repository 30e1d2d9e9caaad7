// ReduceLROnPlateau — lowers the learning rate when a monitored quantity stops improving
// (Keras: keras.callbacks.ReduceLROnPlateau).
#pragma once

#include <string>

#include "nnlab/train/callback.hpp"

namespace nnlab {

// Keras 3's arguments and defaults (verbose aside).
struct ReduceLROnPlateauOptions {
    std::string monitor = "val_loss";
    double factor = 0.1;        // new rate = rate · factor, in (0, 1)
    int patience = 10;          // epochs without improvement before a reduction, >= 0
    std::string mode = "auto";  // "auto", "min" or "max"; auto: max for names containing "acc"
    double min_delta = 1e-4;    // an improvement must beat the best by more than this
    int cooldown = 0;           // epochs after a reduction during which the wait does not count, >= 0
    double min_lr = 0.0;        // the rate never goes below this, >= 0
};

// The rate is written with Optimizer::set_learning_rate at the end of an epoch, so it applies from the next
// epoch on. Next to a LearningRateScheduler (which writes the rate at the beginning of each epoch) the order is
// Keras's: the scheduler's rate for epoch e+1 replaces what this callback wrote at the end of epoch e, so a
// schedule that ignores the current rate (StepDecay) undoes every reduction, while a schedule of (epoch, rate)
// builds on it. A per-step schedule (Optimizer::set_schedule) leaves no rate to set: on_train_begin throws, as
// Keras refuses to set the rate of an optimizer driven by a LearningRateSchedule.
class ReduceLROnPlateau final : public Callback {
public:
    // Throws KeyError naming the option (factor, patience, cooldown, min_lr, min_delta, mode) when it is out of range.
    explicit ReduceLROnPlateau(ReduceLROnPlateauOptions options = {});

    std::string type() const override { return "reduce_lr_on_plateau"; }
    config::Description config() const override;
    void on_train_begin(const TrainPlan& plan) override;
    void on_epoch_end(int epoch, const Logs& logs) override;
    bool keeps_state() const override { return true; }
    void save_state(TrainingState& state, const std::string& key) const override;
    void load_state(const TrainingState& state, const std::string& key) override;

    // How many times the rate was lowered in the last fit().
    int reductions() const { return reductions_; }

private:
    bool improves(double value) const;

    ReduceLROnPlateauOptions options_;
    bool maximize_ = false;
    double best_ = 0.0;
    int wait_ = 0;
    int cooldown_counter_ = 0;
    int reductions_ = 0;
};

}  // namespace nnlab
