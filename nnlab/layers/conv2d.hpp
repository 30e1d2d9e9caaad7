// Conv2D — 2-D convolution over NHWC images, y = activation(x ⋆ kernel + bias) (Keras: layers.Conv2D).
#pragma once

#include <array>
#include <string>

#include "nnlab/kernels/convolution.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/layers/fused_activation.hpp"
#include "nnlab/layers/layer.hpp"
#include "nnlab/layers/spatial.hpp"
#include "nnlab/layers/weight_options.hpp"

namespace nnlab {

// Keras's arguments and defaults: Conv2D(32, {3, 3}, {.padding = "same", .activation = "relu"}).
struct Conv2DOptions {
    std::array<int64_t, 2> strides{1, 1};
    std::string padding = "valid";  // or "same"
    std::array<int64_t, 2> dilation_rate{1, 1};
    std::string activation = "linear";
    WeightOptions weights;  // kernel glorot_uniform, bias zeros, use_bias
};

class Conv2D final : public Layer {
public:
    // Throws KeyError naming the argument for a non-positive size, strides > 1 with dilation_rate > 1, an unknown
    // padding or activation.
    Conv2D(int64_t filters, std::array<int64_t, 2> kernel_size, Conv2DOptions options = {});

    std::string type() const override { return "Conv2D"; }
    Shape build(const Shape& input) override;  // (N, H, W, C) -> (N, OH, OW, filters)
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;
    // In bfloat16 backward reads the rounded copy of x made in forward, not x.
    BackwardReads backward_reads() const override {
        return {.input = precision() == Precision::float32, .output = activation_.backward_reads_output()};
    }
    // Under bfloat16 its input and output gradient are rounded before any use: it takes both rounded (the output
    // gradient when the activation is linear and the kernel trains: a relu's mask or a bias-only sum read float32).
    bool reads_input_rounded() const override { return precision() == Precision::bfloat16; }
    Bf16Tensor& rounded_input(const Shape& shape) override { return x_.rounded(shape); }
    void forward_from_rounded(Tensor& y, Mode mode) override;
    GradientPrecisions bfloat16_gradients(GradientPrecisions wanted) const override;
    void backward_from_rounded(const Bf16Tensor& dy, Tensor& dx) override;
    std::vector<Param*> params() override;
    nlohmann::json config() const override;

    int64_t filters() const { return filters_; }
    std::array<int64_t, 2> kernel_size() const { return kernel_size_; }
    // The convolution build() worked out; its batch is the last forward's.
    const ConvGeometry& geometry() const { return geometry_; }
    Param& kernel() { return kernel_; }
    Param& bias() { return bias_; }

private:
    // y from the input x_ holds.
    void convolve(Tensor& y);
    // The backward of dz (the activation's input gradient), its rows [begin, begin + rows) given by dz_rows(begin,
    // rows) as an Operand of the layer's precision; the float32 dz for a bias-only sum, where the kernel is frozen.
    template <class DzRows>
    void backward_of(const Tensor& dz, int64_t batch, int64_t values, const DzRows& dz_rows, Tensor& dx);

    int64_t filters_;
    std::array<int64_t, 2> kernel_size_;
    Conv2DOptions options_;
    Padding padding_;
    FusedActivation activation_;
    Param kernel_;           // (kh, kw, in_channels, filters)
    Param bias_;             // (filters); absent without use_bias
    ConvGeometry geometry_;  // from build(); the batch is set by each forward
    Operand x_;              // the convolutions' input in the layer's precision, kept for backward
};

}  // namespace nnlab
