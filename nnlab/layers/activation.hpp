// Activation — applies an activation function (Keras: layers.Activation).
#pragma once

#include <string_view>

#include "nnlab/kernels/ops.hpp"
#include "nnlab/layers/layer.hpp"
#include "nnlab/layers/saved_tensor.hpp"

namespace nnlab {

// Keras names ("relu", "gelu", "silu", …; see ActivationKind). Throws KeyError("activation") naming them all.
ActivationKind activation_from_name(std::string_view name);
std::string activation_name(ActivationKind kind);

class Activation final : public Layer {
public:
    explicit Activation(ActivationKind kind) : kind_(kind) {}
    explicit Activation(std::string_view name) : kind_(activation_from_name(name)) {}

    std::string type() const override { return "Activation"; }
    Shape build(const Shape& input) override { return input; }
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;
    // gelu's and swish's derivatives read x, the others y (linear neither), from a copy under bfloat16 (but softmax's).
    BackwardReads backward_reads() const override {
        if (keeps_a_copy() || done_before_) return {.input = false, .output = false};
        const bool input = activation_needs_input(kind_);
        return {.input = input, .output = !input && kind_ != ActivationKind::linear};
    }
    // Under bfloat16, relu and gelu (when not fused) may write y rounded for a convolution after them, with the copy
    // their backward reads in the same pass.
    bool writes_output_rounded() const override;
    void forward_rounded(const Tensor& x, Bf16Tensor& y, Mode mode) override;
    nlohmann::json config() const override { return {{"activation", activation_name(kind_)}}; }

    bool ends_in_softmax() const override { return kind_ == ActivationKind::softmax; }
    void backward_from_logits(const Tensor& dlogits, Tensor& dx) override;

    ActivationKind kind() const { return kind_; }
    // Whether the layer before applies this activation in its own pass (Layer::fuse_next); forward and backward then
    // pass their input through.
    void set_done_before(bool done) { done_before_ = done; }
    bool done_before() const { return done_before_; }
    void unfuse() override { done_before_ = false; }

private:
    // Under bfloat16 the tensor backward reads is kept rounded; softmax's derivative sums over a row, so it keeps
    // its output in float32.
    bool keeps_a_copy() const {
        return precision() == Precision::bfloat16 && kind_ != ActivationKind::linear &&
               kind_ != ActivationKind::softmax;
    }

    ActivationKind kind_;
    bool done_before_ = false;
    // What the derivative reads: the forward input for gelu and swish, the output for the others.
    SavedTensor saved_;
};

}  // namespace nnlab
