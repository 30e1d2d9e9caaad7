// EarlyStopping — ends fit() when a monitored quantity stops improving (Keras: keras.callbacks.EarlyStopping).
#pragma once

#include <optional>
#include <string>

#include "nnlab/tensor/tensor.hpp"
#include "nnlab/train/callback.hpp"

namespace nnlab {

// Keras 3's arguments and defaults (verbose aside: the library does not print; the caller reads best_epoch()
// and stopped_epoch()).
struct EarlyStoppingOptions {
    std::string monitor = "val_loss";
    double min_delta = 0.0;             // a change smaller than |min_delta| is no improvement
    int patience = 0;                   // epochs without improvement before stopping, >= 0
    std::string mode = "auto";          // "auto", "min" or "max"; auto: max for names containing "acc"
    std::optional<double> baseline;     // the wait only restarts on epochs that also beat it
    bool restore_best_weights = false;  // at the end of training, the weights of the best epoch
    int start_from_epoch = 0;           // epochs before monitoring starts (a warm-up), >= 0
};

class EarlyStopping final : public Callback {
public:
    // Throws KeyError naming the option (mode, patience, start_from_epoch) when it is out of range.
    explicit EarlyStopping(EarlyStoppingOptions options = {});

    std::string type() const override { return "early_stopping"; }
    config::Description config() const override;
    void on_train_begin(const TrainPlan& plan) override;
    void on_epoch_end(int epoch, const Logs& logs) override;
    void on_train_end(const Logs& logs) override;
    bool keeps_state() const override { return true; }
    void save_state(TrainingState& state, const std::string& key) const override;
    void load_state(const TrainingState& state, const std::string& key) override;

    // Epochs count from 0, as Keras's. best_epoch(): the epoch of the best value (0 before any);
    // stopped_epoch(): the epoch at whose end training was stopped, 0 when it was not.
    int best_epoch() const { return best_epoch_; }
    int stopped_epoch() const { return stopped_epoch_; }
    // The best value seen (±inf before any).
    double best() const { return best_; }
    // Whether on_train_end copied the best epoch's weights back.
    bool restored_best_weights() const { return restored_; }

private:
    bool is_improvement(double value, double reference) const;
    void keep_weights();

    EarlyStoppingOptions options_;
    bool maximize_ = false;
    double best_ = 0.0;
    int wait_ = 0;
    int best_epoch_ = 0;
    int stopped_epoch_ = 0;
    bool restored_ = false;
    Tensor best_weights_;  // a copy of the whole weight arena (trainable and non-trainable), or empty
};

}  // namespace nnlab
