// EarlyStopping — Keras 3's logic (keras/src/callbacks/early_stopping.py): a wait counter that restarts on
// every improvement over the best value (and over the baseline, when one is given), a stop once it reaches
// patience — never at the end of epoch 0 — and the best epoch's weights restored at the end when asked.
#include "nnlab/train/callbacks/early_stopping.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nnlab/core/error.hpp"
#include "nnlab/train/callbacks/monitor.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

EarlyStopping::EarlyStopping(EarlyStoppingOptions options) : options_(std::move(options)) {
    maximize_ = monitor_maximizes("EarlyStopping", options_.monitor, options_.mode);
    if (options_.patience < 0) {
        throw KeyError("patience", "patience: expected an integer >= 0, found " + std::to_string(options_.patience));
    }
    if (options_.start_from_epoch < 0) {
        throw KeyError("start_from_epoch", "start_from_epoch: expected an integer >= 0, found " +
                                               std::to_string(options_.start_from_epoch));
    }
    if (!std::isfinite(options_.min_delta)) {
        throw KeyError("min_delta", "min_delta: expected a finite number, found " + std::to_string(options_.min_delta));
    }
    // Keras keeps |min_delta| and gives it the sign that makes an improvement harder to reach.
    options_.min_delta = std::abs(options_.min_delta);
}

void EarlyStopping::on_train_begin(const TrainPlan&) {
    // Reset, so one instance can serve several fit() calls (as in Keras).
    wait_ = 0;
    stopped_epoch_ = 0;
    best_epoch_ = 0;
    restored_ = false;
    best_weights_ = Tensor();
    best_ = maximize_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
}

bool EarlyStopping::is_improvement(double value, double reference) const {
    return maximize_ ? value - options_.min_delta > reference : value + options_.min_delta < reference;
}

void EarlyStopping::keep_weights() {
    const Tensor& weights = model_->weights().block();
    if (best_weights_.numel() != weights.numel()) best_weights_ = Tensor(weights.shape());
    std::copy_n(weights.data(), weights.numel(), best_weights_.data());
}

void EarlyStopping::on_epoch_end(int epoch, const Logs& logs) {
    const double current = monitor_value("EarlyStopping", options_.monitor, logs);
    if (epoch < options_.start_from_epoch) return;  // still in the warm-up
    // Until something improves, the first monitored epoch's weights stand in as the best.
    if (options_.restore_best_weights && best_weights_.empty()) {
        keep_weights();
        best_epoch_ = epoch;
    }
    ++wait_;
    if (is_improvement(current, best_)) {
        best_ = current;
        best_epoch_ = epoch;
        if (options_.restore_best_weights) keep_weights();
        // The wait restarts only when the epoch beats both the best so far and the baseline.
        if (!options_.baseline || is_improvement(current, *options_.baseline)) wait_ = 0;
        return;
    }
    if (wait_ >= options_.patience && epoch > 0) {
        stopped_epoch_ = epoch;
        model_->stop_training = true;
    }
}

void EarlyStopping::on_train_end(const Logs&) {
    if (!options_.restore_best_weights || best_weights_.empty()) return;
    Tensor& weights = model_->weights().block();
    std::copy_n(best_weights_.data(), weights.numel(), weights.data());
    restored_ = true;
}

void EarlyStopping::save_state(TrainingState& state, const std::string& key) const {
    state.values()["callbacks"][key] = {{"best", exact_number(best_)},
                                        {"wait", wait_},
                                        {"best_epoch", best_epoch_},
                                        {"stopped_epoch", stopped_epoch_},
                                        {"has_best_weights", !best_weights_.empty()}};
    if (!best_weights_.empty()) state.set_tensor(key + "/best_weights", best_weights_);
}

void EarlyStopping::load_state(const TrainingState& state, const std::string& key) {
    const nlohmann::json& saved = state.value("callbacks").at(key);
    best_ = exact_number(saved.at("best"), "early_stopping.best");
    wait_ = saved.at("wait").get<int>();
    best_epoch_ = saved.at("best_epoch").get<int>();
    stopped_epoch_ = saved.at("stopped_epoch").get<int>();
    best_weights_ = Tensor();
    if (saved.at("has_best_weights").get<bool>()) {
        best_weights_ = Tensor(model_->weights().block().shape());
        state.copy_tensor(key + "/best_weights", best_weights_);
    }
}

config::Description EarlyStopping::config() const {
    config::Description c{{"monitor", options_.monitor},
                          {"min_delta", options_.min_delta},
                          {"patience", options_.patience},
                          {"mode", options_.mode},
                          {"restore_best_weights", options_.restore_best_weights},
                          {"start_from_epoch", options_.start_from_epoch}};
    if (options_.baseline) c["baseline"] = *options_.baseline;
    return c;
}

}  // namespace nnlab
