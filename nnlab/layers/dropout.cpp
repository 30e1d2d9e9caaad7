// Dropout — inverted dropout with a seeded mask per forward (Keras: layers.Dropout).
#include "nnlab/layers/dropout.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "nnlab/core/error.hpp"

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
        std::copy_n(x.data(), x.numel(), y.data());
        return;
    }
    // Grown only: a smaller last batch of an epoch reuses the front of the buffer instead of reallocating twice.
    if (mask_.numel() < x.numel()) mask_ = Tensor(Shape{x.numel()});
    const auto keep_scale = static_cast<float>(1.0 / (1.0 - rate_));
    // One 64-bit draw decides four values, 16 bits each: a value is dropped when its slice is below
    // rate·2¹⁶, so the dropped fraction is the rate rounded to 1/65536 (within 8e-6), at a quarter of the draws.
    const auto threshold = static_cast<uint64_t>(std::min(std::llround(rate_ * 65536.0), 65535LL));
    const int64_t count = x.numel();
    float* mask = mask_.data();
    for (int64_t i = 0; i < count; i += 4) {
        uint64_t bits = rng_.next_u64();
        for (int64_t j = i; j < std::min(i + 4, count); ++j, bits >>= 16)
            mask[j] = (bits & 0xffff) >= threshold ? keep_scale : 0.0f;
    }
    const float* in = x.data();
    float* out = y.data();
    for (int64_t i = 0; i < count; ++i) out[i] = in[i] * mask[i];
}

void Dropout::backward(const Tensor& dy, Tensor& dx) {
    if (dx.empty()) return;
    if (!masked_) {
        std::copy_n(dy.data(), dy.numel(), dx.data());
        return;
    }
    const float* g = dy.data();
    const float* mask = mask_.data();
    float* d = dx.data();
    for (int64_t i = 0; i < dy.numel(); ++i) d[i] = g[i] * mask[i];
}

nlohmann::json Dropout::config() const {
    nlohmann::json config{{"rate", rate_}};
    if (seed_) config["seed"] = *seed_;
    return config;
}

}  // namespace nnlab
