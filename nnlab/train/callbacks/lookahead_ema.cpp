// LookaheadEma — the average, its copy back into the weights, and its place in a saved training state.
#include "nnlab/train/callbacks/lookahead_ema.hpp"

#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

LookaheadEma::LookaheadEma(LookaheadEmaOptions options) : options_(options) {
    if (options_.start_epoch < 0)
        throw KeyError("start_epoch",
                       "start_epoch: expected an epoch >= 0, found " + std::to_string(options_.start_epoch));
    if (options_.every_steps < 1) {
        throw KeyError("every_steps",
                       "every_steps: expected an integer >= 1, found " + std::to_string(options_.every_steps));
    }
    if (!(options_.decay >= 0.0 && options_.decay <= 1.0))
        throw KeyError("decay", "decay: expected a number in [0, 1], found " + std::to_string(options_.decay));
    if (!(options_.decay_power >= 0.0) || !std::isfinite(options_.decay_power)) {
        throw KeyError("decay_power",
                       "decay_power: expected a number >= 0, found " + std::to_string(options_.decay_power));
    }
}

config::Description LookaheadEma::config() const {
    return {{"start_epoch", options_.start_epoch},
            {"every_steps", options_.every_steps},
            {"decay", options_.decay},
            {"decay_power", options_.decay_power}};
}

void LookaheadEma::on_train_begin(const TrainPlan& plan) {
    steps_per_epoch_ = plan.steps_per_epoch;
    total_steps_ = std::max<int64_t>(plan.total_steps, 1);
    average_ = Tensor();
}

double LookaheadEma::rho(int64_t step, int64_t total) const {
    return std::pow(options_.decay, options_.every_steps) *
           std::pow(static_cast<double>(step) / static_cast<double>(std::max<int64_t>(total, 1)), options_.decay_power);
}

void LookaheadEma::on_batch_end(int64_t step, const Logs&) {
    if (epoch_ < options_.start_epoch) return;
    const int64_t run_step = static_cast<int64_t>(epoch_) * steps_per_epoch_ + step + 1;
    if (run_step % options_.every_steps != 0) return;
    Tensor& weights = model_->weights().block();
    if (average_.empty()) {
        average_ = weights.clone();
        return;
    }
    const auto keep = static_cast<float>(rho(run_step, total_steps_));
    float* w = weights.data();
    float* a = average_.data();
    const int64_t n = weights.numel();
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i) {
        a[i] += (1.0f - keep) * (w[i] - a[i]);  // torch.lerp(a, w, 1 − ρ)
        w[i] = a[i];
    }
}

void LookaheadEma::on_epoch_end(int, const Logs&) {
    if (average_.empty()) return;
    Tensor& weights = model_->weights().block();
    std::copy_n(average_.data(), weights.numel(), weights.data());
}

void LookaheadEma::save_state(TrainingState& state, const std::string& key) const {
    state.values()["callbacks"][key] = {{"has_average", !average_.empty()}};
    if (!average_.empty()) state.set_tensor(key + "/average", average_);
}

void LookaheadEma::load_state(const TrainingState& state, const std::string& key) {
    const nlohmann::json& saved = state.value("callbacks").at(key);
    average_ = Tensor();
    if (saved.at("has_average").get<bool>()) {
        average_ = Tensor(model_->weights().block().shape());
        state.copy_tensor(key + "/average", average_);
    }
}

}  // namespace nnlab
