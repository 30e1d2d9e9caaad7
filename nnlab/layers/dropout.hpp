// Dropout — in training, zero each input with probability `rate` and scale the rest by 1/(1 − rate)
// (inverted dropout); in inference, the identity (Keras: layers.Dropout).
#pragma once

#include <cstdint>
#include <optional>

#include "nnlab/core/rng.hpp"
#include "nnlab/layers/layer.hpp"

namespace nnlab {

class Dropout final : public Layer {
public:
    // rate in [0, 1), else KeyError("rate"). With a seed (Keras's `seed`) the masks come from it alone;
    // without one, from the run's seed and the layer's name (seed_randomness), so a run is reproducible.
    explicit Dropout(double rate, std::optional<uint64_t> seed = std::nullopt);

    std::string type() const override { return "Dropout"; }
    Shape build(const Shape& input) override;  // any shape, unchanged
    // Training draws a fresh mask each call; backward reuses the last one.
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;
    void seed_randomness(uint64_t run_seed) override;
    std::vector<Rng*> random_streams() override { return {&rng_}; }
    void set_batch_shard(const BatchShard& shard) override;
    nlohmann::json config() const override;  // rate, and seed when given

    double rate() const { return rate_; }

private:
    double rate_;
    std::optional<uint64_t> seed_;
    Rng rng_;
    BatchShard shard_;      // of the next training forward; global_rows 0: the batch is whole
    int64_t row_size_ = 0;  // values per example
    Tensor mask_storage_;   // grown only, so a smaller last batch reuses its front
    Tensor mask_;           // 0 or 1/(1 − rate) per value of the last training forward: a view of the storage
    bool masked_ = false;   // false after an inference forward: backward is then the identity too
};

}  // namespace nnlab
