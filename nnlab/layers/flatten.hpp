// Flatten — (N, d1, d2, …) → (N, d1·d2·…) in row-major (channels-last) order (Keras: layers.Flatten).
#pragma once

#include "nnlab/layers/layer.hpp"

namespace nnlab {

class Flatten final : public Layer {
public:
    std::string type() const override { return "Flatten"; }
    Shape build(const Shape& input) override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;
    BackwardReads backward_reads() const override { return {.input = false, .output = false}; }
};

}  // namespace nnlab
