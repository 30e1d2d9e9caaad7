// ReduceLROnPlateau — Keras 3's logic (keras/src/callbacks/reduce_lr_on_plateau.py): during a cooldown the
// wait stays at 0; otherwise it counts epochs without an improvement of more than min_delta and, at patience,
// multiplies the rate by factor (not below min_lr) and starts a cooldown.
#include "nnlab/train/callbacks/reduce_lr_on_plateau.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nnlab/core/error.hpp"
#include "nnlab/train/callbacks/monitor.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauOptions options) : options_(std::move(options)) {
    maximize_ = monitor_maximizes("ReduceLROnPlateau", options_.monitor, options_.mode);
    const ReduceLROnPlateauOptions& o = options_;
    // Keras refuses factor >= 1 (it would raise the rate); a factor <= 0 would zero or negate it.
    if (!(o.factor > 0.0 && o.factor < 1.0)) {
        throw KeyError("factor", "factor: expected a number in (0, 1), found " + std::to_string(o.factor));
    }
    if (o.patience < 0)
        throw KeyError("patience", "patience: expected an integer >= 0, found " + std::to_string(o.patience));
    if (o.cooldown < 0)
        throw KeyError("cooldown", "cooldown: expected an integer >= 0, found " + std::to_string(o.cooldown));
    if (!(o.min_lr >= 0.0) || !std::isfinite(o.min_lr))
        throw KeyError("min_lr", "min_lr: expected a number >= 0, found " + std::to_string(o.min_lr));
    if (!std::isfinite(o.min_delta))
        throw KeyError("min_delta", "min_delta: expected a finite number, found " + std::to_string(o.min_delta));
}

void ReduceLROnPlateau::on_train_begin(const TrainPlan&) {
    if (model_->optimizer().has_schedule()) {
        throw Error(
            "ReduceLROnPlateau: the optimizer's learning rate follows a per-step schedule, so there is no rate to "
            "reduce; use one or the other");
    }
    best_ = maximize_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    wait_ = 0;
    cooldown_counter_ = 0;
    reductions_ = 0;
}

bool ReduceLROnPlateau::improves(double value) const {
    return maximize_ ? value > best_ + options_.min_delta : value < best_ - options_.min_delta;
}

void ReduceLROnPlateau::on_epoch_end(int, const Logs& logs) {
    const double current = monitor_value("ReduceLROnPlateau", options_.monitor, logs);
    if (cooldown_counter_ > 0) {
        --cooldown_counter_;
        wait_ = 0;
    }
    if (improves(current)) {
        best_ = current;
        wait_ = 0;
        return;
    }
    if (cooldown_counter_ > 0) return;
    if (++wait_ < options_.patience) return;
    Optimizer& optimizer = model_->optimizer();
    const double old_rate = optimizer.learning_rate();
    // At the floor already: nothing to reduce, and (as in Keras) neither the wait nor the cooldown restarts.
    if (!(old_rate > options_.min_lr)) return;
    optimizer.set_learning_rate(std::max(old_rate * options_.factor, options_.min_lr));
    ++reductions_;
    cooldown_counter_ = options_.cooldown;
    wait_ = 0;
}

config::Description ReduceLROnPlateau::config() const {
    return {{"monitor", options_.monitor}, {"factor", options_.factor},       {"patience", options_.patience},
            {"mode", options_.mode},       {"min_delta", options_.min_delta}, {"cooldown", options_.cooldown},
            {"min_lr", options_.min_lr}};
}

void ReduceLROnPlateau::save_state(TrainingState& state, const std::string& key) const {
    state.values()["callbacks"][key] = {{"best", exact_number(best_)},
                                        {"wait", wait_},
                                        {"cooldown_counter", cooldown_counter_},
                                        {"reductions", reductions_}};
}

void ReduceLROnPlateau::load_state(const TrainingState& state, const std::string& key) {
    const nlohmann::json& saved = state.value("callbacks").at(key);
    best_ = exact_number(saved.at("best"), "reduce_lr_on_plateau.best");
    wait_ = saved.at("wait").get<int>();
    cooldown_counter_ = saved.at("cooldown_counter").get<int>();
    reductions_ = saved.at("reductions").get<int>();
}

}  // namespace nnlab
