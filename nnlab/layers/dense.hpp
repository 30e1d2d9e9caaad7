// Dense — fully connected layer, y = activation(x·W + b) (Keras: layers.Dense).
#pragma once

#include <string_view>

#include "nnlab/kernels/ops.hpp"
#include "nnlab/layers/layer.hpp"

namespace nnlab {

class Dense final : public Layer {
public:
    // Keras defaults: no activation (linear), glorot_uniform kernel, zero bias.
    explicit Dense(int64_t units, std::string_view activation = "linear");

    std::string type() const override { return "Dense"; }
    Shape build(const Shape& input) override;  // (N, in) -> (N, units); throws if rank != 2
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;
    std::vector<Param*> params() override { return {&kernel_, &bias_}; }
    nlohmann::json config() const override;

    bool ends_in_softmax() const override { return activation_ == ActivationKind::softmax; }
    void backward_from_logits(const Tensor& dlogits, Tensor& dx) override;

    int64_t units() const { return units_; }
    Param& kernel() { return kernel_; }
    Param& bias() { return bias_; }

private:
    int64_t units_;
    ActivationKind activation_;
    Param kernel_;  // (in, units)
    Param bias_;    // (units)
    Tensor x_;      // the forward input, kept for backward
    Tensor y_;      // the forward output, for the activation's derivative
    Tensor dz_;     // scratch: dL/d(x·W + b), sized for the largest batch seen
};

}  // namespace nnlab
