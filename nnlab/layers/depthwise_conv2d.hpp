// DepthwiseConv2D — each input channel convolved with its own depth_multiplier filters, no mixing across
// channels (Keras: layers.DepthwiseConv2D).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "nnlab/kernels/convolution.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/layers/fused_activation.hpp"
#include "nnlab/layers/layer.hpp"
#include "nnlab/layers/spatial.hpp"
#include "nnlab/layers/weight_options.hpp"

namespace nnlab {

// Keras's arguments and defaults. `weights` holds Keras's depthwise_initializer and depthwise_regularizer in its
// kernel_* fields (default glorot_uniform, as Keras), with bias_initializer, bias_regularizer and use_bias.
struct DepthwiseConv2DOptions {
    std::array<int64_t, 2> strides{1, 1};
    std::string padding = "valid";  // or "same"
    int64_t depth_multiplier = 1;
    std::array<int64_t, 2> dilation_rate{1, 1};
    std::string activation = "linear";
    WeightOptions weights;
};

class DepthwiseConv2D final : public Layer {
public:
    // Throws KeyError naming the argument for a non-positive size or depth_multiplier, strides > 1 with
    // dilation_rate > 1, an unknown padding or activation.
    explicit DepthwiseConv2D(std::array<int64_t, 2> kernel_size, DepthwiseConv2DOptions options = {});

    std::string type() const override { return "DepthwiseConv2D"; }
    Shape build(const Shape& input) override;  // (N, H, W, C) -> (N, OH, OW, C·depth_multiplier)
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;
    std::vector<Param*> params() override;
    nlohmann::json config() const override;

    std::array<int64_t, 2> kernel_size() const { return kernel_size_; }
    Param& depthwise_kernel() { return kernel_; }
    Param& bias() { return bias_; }

    // The convolution build() worked out; its batch is the last forward's.
    const ConvGeometry& geometry() const { return geometry_; }

private:
    std::array<int64_t, 2> kernel_size_;
    DepthwiseConv2DOptions options_;
    Padding padding_;
    FusedActivation activation_;
    Param kernel_;           // "depthwise_kernel" (kh, kw, in_channels, depth_multiplier)
    Param bias_;             // (in_channels·depth_multiplier); absent without use_bias
    ConvGeometry geometry_;  // groups = in_channels; the batch is set by each forward
    Operand x_, dz_;         // the convolutions' operands in the layer's precision; x_ kept for backward
};

}  // namespace nnlab
