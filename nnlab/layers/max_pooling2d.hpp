// MaxPooling2D — the maximum of each pool_size window, NHWC (Keras: layers.MaxPooling2D).
#pragma once

#include "nnlab/layers/pooling2d.hpp"

namespace nnlab {

class MaxPooling2D final : public Pooling2D {
public:
    // Keras defaults: pool_size (2, 2), strides = pool_size, padding "valid".
    explicit MaxPooling2D(std::array<int64_t, 2> pool_size = {2, 2}, PoolingOptions options = {});

    std::string type() const override { return "MaxPooling2D"; }
    // In training the gradient of each window goes to its first maximum (row-major order within the window).
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;
    // Backward reads where each maximum was (oneDNN's workspace), not x or y.
    BackwardReads backward_reads() const override { return {.input = false, .output = false}; }
    // Under bfloat16 and with windows that do not overlap, routing a gradient commutes with rounding it: both
    // gradients in bfloat16, or neither.
    GradientPrecisions bfloat16_gradients(GradientPrecisions wanted) const override;
    void backward_rounded(const Bf16Tensor& dy, Bf16Tensor& dx) override;

private:
    PoolGeometry last_;  // the geometry of the last training forward
    MaxPoolWorkspace workspace_;
};

}  // namespace nnlab
