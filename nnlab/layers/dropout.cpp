// Dropout — inverted dropout with a seeded mask per forward (Keras: layers.Dropout).
#include "nnlab/layers/dropout.hpp"

#include <algorithm>
#include <string>

#include "nnlab/core/error.hpp"

namespace nnlab {

Dropout::Dropout(double rate, std::optional<uint64_t> seed)
    : rate_(rate), seed_(seed), rng_(seed.value_or(0), "dropout/") {
    if (!(rate >= 0.0 && rate < 1.0)) {
        throw KeyError("rate",
                       "rate: expected a fraction in [0, 1) of the inputs to drop, got " + std::to_string(rate));
    }
}

void Dropout::seed_randomness(uint64_t run_seed) {
    // A Keras seed makes the layer's masks independent of the run's seed, as it does there.
    rng_ = seed_ ? Rng(*seed_, "dropout/") : Rng(run_seed, "dropout/" + name());
}

Shape Dropout::build(const Shape& input) {
    return input;
}

void Dropout::forward(const Tensor& x, Tensor& y, Mode mode) {
    masked_ = mode == Mode::training;
    if (!masked_) {
        std::copy_n(x.data(), x.numel(), y.data());
        return;
    }
    if (mask_.numel() != x.numel()) mask_ = Tensor(x.shape());
    const auto keep_scale = static_cast<float>(1.0 / (1.0 - rate_));
    for (int64_t i = 0; i < x.numel(); ++i) {
        mask_[i] = rng_.uniform() >= rate_ ? keep_scale : 0.0f;
        y[i] = x[i] * mask_[i];
    }
}

void Dropout::backward(const Tensor& dy, Tensor& dx) {
    if (dx.empty()) return;
    if (!masked_) {
        std::copy_n(dy.data(), dy.numel(), dx.data());
        return;
    }
    for (int64_t i = 0; i < dy.numel(); ++i) dx[i] = dy[i] * mask_[i];
}

nlohmann::json Dropout::config() const {
    nlohmann::json config{{"rate", rate_}};
    if (seed_) config["seed"] = *seed_;
    return config;
}

}  // namespace nnlab
