// Reshape — the same values in another shape, batch axis untouched (Keras: layers.Reshape).
#pragma once

#include <cstdint>
#include <vector>

#include "nnlab/layers/layer.hpp"

namespace nnlab {

class Reshape final : public Layer {
public:
    // target_shape without the batch axis; positive sizes and at most one −1, which build() infers.
    // Throws KeyError("target_shape") otherwise.
    explicit Reshape(std::vector<int64_t> target_shape);

    std::string type() const override { return "Reshape"; }
    // (N, …) → (N, target_shape…); throws naming both shapes when the sizes differ.
    Shape build(const Shape& input) override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;
    nlohmann::json config() const override;  // target_shape, as given (−1 kept)

    const std::vector<int64_t>& target_shape() const { return target_shape_; }

private:
    std::vector<int64_t> target_shape_;
};

}  // namespace nnlab
