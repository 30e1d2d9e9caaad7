// Dense — fully connected layer, y = activation(x·W + b) (Keras: layers.Dense).
#pragma once

#include <string_view>

#include "nnlab/kernels/ops.hpp"
#include "nnlab/layers/fused_activation.hpp"
#include "nnlab/layers/layer.hpp"
#include "nnlab/layers/weight_options.hpp"

namespace nnlab {

class Dense final : public Layer {
public:
    // Keras defaults: no activation (linear), glorot_uniform kernel, zero bias.
    explicit Dense(int64_t units, std::string_view activation = "linear", WeightOptions options = {});

    std::string type() const override { return "Dense"; }
    Shape build(const Shape& input) override;  // (N, in) -> (N, units); throws if rank != 2
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;
    // In bfloat16 backward reads the rounded copy of x made in forward, not x.
    BackwardReads backward_reads() const override {
        return {.input = precision() == Precision::float32, .output = activation_.backward_reads_output()};
    }
    std::vector<Param*> params() override;
    nlohmann::json config() const override;

    bool write_gradients_in_backward() override {
        write_gradients_ = true;
        return true;
    }
    bool ends_in_softmax() const override { return activation_.kind() == ActivationKind::softmax; }
    void backward_from_logits(const Tensor& dlogits, Tensor& dx) override;

    int64_t units() const { return units_; }
    Param& kernel() { return kernel_; }
    Param& bias() { return bias_; }

private:
    int64_t units_;
    WeightOptions options_;
    FusedActivation activation_;
    Param kernel_;                  // (in, units)
    Param bias_;                    // (units); absent without use_bias
    bool write_gradients_ = false;  // backward writes dW and db rather than adding to them (the model asked)
    // The products' operands in the layer's precision: the forward input and the kernel as the forward GEMM saw
    // them (backward reuses both), and dz.
    Operand x_, kernel_operand_, dz_;
};

}  // namespace nnlab
