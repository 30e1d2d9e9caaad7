// The arguments of kernels beyond tensors: options of a GEMM, the activation, the geometry of a convolution,
// pooling window or padding, one optimizer step's constants. Shared by every backend (kernels/backend.hpp).
#pragma once

#include <cstdint>

#include "nnlab/core/shape.hpp"
#include "nnlab/kernels/convolution.hpp"
#include "nnlab/kernels/pooling.hpp"

namespace nnlab {

struct GemmOptions {
    bool trans_a = false;     // a is stored (k, m)
    bool trans_b = false;     // b is stored (n, k)
    bool accumulate = false;  // c += op(a)·op(b) instead of c = op(a)·op(b)
};

// Keras's activations. leaky_relu uses Keras's function default (negative_slope 0.2), elu alpha 1, gelu the exact
// erf form (approximate=False), swish is silu.
enum class ActivationKind { linear, relu, tanh, sigmoid, softmax, leaky_relu, elu, gelu, swish, softplus };

// The activations the CPU backend applies per value in its own loops (kernels/cpu/pointwise.hpp), and so as a pass
// writes another result: batch norm's (batch_norm_fuses), or their output rounded to bfloat16 (linear, relu, gelu).
constexpr bool activation_in_one_pass(ActivationKind kind) {
    return kind == ActivationKind::linear || kind == ActivationKind::relu || kind == ActivationKind::gelu;
}

// True when the derivative needs the activation's input x, not only its output y (gelu, swish).
constexpr bool activation_needs_input(ActivationKind kind) {
    return kind == ActivationKind::gelu || kind == ActivationKind::swish;
}

// Softmax's rows: it normalises along the last axis (Keras: axis −1), each row of `cols` values apart.
struct SoftmaxRows {
    int64_t rows = 0, cols = 0;
};
inline SoftmaxRows softmax_rows(const Shape& shape) {
    const int64_t cols = shape[shape.rank() - 1];
    return {shape.numel() / cols, cols};
}

// A frame of zeros around each image: x (batch, in_h, in_w, channels) → y (batch, top + in_h + bottom,
// left + in_w + right, channels) (Keras: ZeroPadding2D).
struct PadGeometry {
    int64_t batch = 0, in_h = 0, in_w = 0, channels = 0;
    int64_t top = 0, bottom = 0, left = 0, right = 0;
    int64_t out_h() const { return top + in_h + bottom; }
    int64_t out_w() const { return left + in_w + right; }
};

// One optimizer step's constants, as float: the updates run in float32 as Keras's do.
struct SgdStep {
    float learning_rate = 0.0f;
    float momentum = 0.0f;  // 0: no velocity
    bool nesterov = false;
};

struct RmspropStep {
    float learning_rate = 0.0f, rho = 0.0f, momentum = 0.0f, epsilon = 0.0f;
    bool centered = false;
};

// alpha = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ), the bias correction folded into the rate (Kingma & Ba's "epsilon hat" form).
struct AdamStep {
    float alpha = 0.0f, one_minus_beta_1 = 0.0f, one_minus_beta_2 = 0.0f, epsilon = 0.0f;
    bool amsgrad = false;
};

}  // namespace nnlab
