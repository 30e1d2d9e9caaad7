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
    row_size_ = input.without_batch().numel();
    return input;
}

void Dropout::set_batch_shard(const BatchShard& shard) {
    shard_ = shard;
    if (shard.rows == 0 && shard.global_rows > 0) {
        Tensor none(Shape{0});
        dropout_mask(none, rate_, rng_, 0, shard.global_rows * row_size_);  // the other ranks' draws
    }
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
    // Sharded, the rows are part of a global batch: the draws are the whole batch's, this process keeps its rows.
    const bool sharded = shard_.global_rows > 0;
    dropout_mask(mask_, rate_, rng_, sharded ? shard_.offset * row_size_ : 0,
                 sharded ? shard_.global_rows * row_size_ : x.numel());
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
