// Dropout — inverted dropout with a seeded mask per forward (Keras: layers.Dropout).
#include "nnlab/layers/dropout.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {

Dropout::Dropout(double rate, std::optional<uint64_t> seed)
    : rate_(rate), seed_(seed), rng_(seed.value_or(0), "dropout/") {
    if (!(rate >= 0.0 && rate < 1.0)) {
        throw KeyError("rate",
                       "rate: expected a fraction in [0, 1) of the inputs to drop, found " + std::to_string(rate));
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
        copy(x, y);
        return;
    }
    // Grown only: a smaller last batch of an epoch reuses the front of the buffer instead of reallocating twice.
    if (mask_storage_.numel() < x.numel()) mask_storage_ = Tensor(Shape{x.numel()});
    mask_ = Tensor::view_of(mask_storage_.data(), x.shape());
    dropout_mask(mask_, rate_, rng_);
    multiply(x, mask_, y);
}

void Dropout::backward(const Tensor& dy, Tensor& dx) {
    if (dx.empty()) return;
    if (!masked_) {
        copy(dy, dx);
        return;
    }
    multiply(dy, mask_, dx);
}

nlohmann::json Dropout::config() const {
    nlohmann::json config{{"rate", rate_}};
    if (seed_) config["seed"] = *seed_;
    return config;
}

}  // namespace nnlab
