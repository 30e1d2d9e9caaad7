// ConvPasses — the three passes of one convolution layer (Conv2D, DepthwiseConv2D) over a training step, and what
// backward keeps from forward. In bfloat16 x is rounded once in forward and dL/dz once in backward, and both
// backward passes read those copies: two conversions per step instead of four.
#pragma once

#include "nnlab/kernels/convolution.hpp"
#include "nnlab/tensor/bf16_tensor.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

class ConvPasses {
public:
    // y = x ⋆ w + bias (bias may be empty), clamped at zero as it is written when `relu`.
    void forward(const ConvGeometry& g, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& y, bool relu);
    // From dz = dL/d(x ⋆ w + bias) for the last forward: dw and db (unless empty) accumulate, dx is written unless
    // empty (the model's first trainable layer).
    void backward(const ConvGeometry& g, const Tensor& dz, const Tensor& w, Tensor& dx, Tensor& dw, Tensor& db);

private:
    Tensor x_;               // float32: a view of the forward input
    Bf16Tensor x16_, dz16_;  // bfloat16: the rounded operands
};

}  // namespace nnlab
