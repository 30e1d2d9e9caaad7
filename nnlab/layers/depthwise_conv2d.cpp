// DepthwiseConv2D — a grouped convolution with one group per input channel (Keras: layers.DepthwiseConv2D).
#include "nnlab/layers/depthwise_conv2d.hpp"

#include "nnlab/core/error.hpp"
#include "nnlab/layers/activation.hpp"

namespace nnlab {

DepthwiseConv2D::DepthwiseConv2D(std::array<int64_t, 2> kernel_size, DepthwiseConv2DOptions options)
    : kernel_size_(kernel_size),
      options_(std::move(options)),
      padding_(padding_from_name(options_.padding)),
      activation_(activation_from_name(options_.activation)) {
    require_positive_pair("kernel_size", kernel_size_);
    require_positive_pair("strides", options_.strides);
    require_positive_pair("dilation_rate", options_.dilation_rate);
    require_strides_or_dilation(options_.strides, options_.dilation_rate);
    if (options_.depth_multiplier <= 0) {
        throw KeyError("depth_multiplier", "depth_multiplier: expected a positive integer, found " +
                                               std::to_string(options_.depth_multiplier));
    }
    options_.padding = padding_name(padding_);
}

Shape DepthwiseConv2D::build(const Shape& input) {
    const HeightWidth in = image_size(input, error_prefix());
    const SpatialDims out = out_size(in, kernel_size_, options_.strides, options_.dilation_rate, padding_);
    require_output(out, in, kernel_size_, options_.dilation_rate, padding_, error_prefix());
    const int64_t channels = input[3], out_channels = input[3] * options_.depth_multiplier;
    geometry_ = {.batch = 0,
                 .in_h = in[0],
                 .in_w = in[1],
                 .in_c = channels,
                 .out_h = out.height.size,
                 .out_w = out.width.size,
                 .out_c = out_channels,
                 .kernel_h = kernel_size_[0],
                 .kernel_w = kernel_size_[1],
                 .stride_h = options_.strides[0],
                 .stride_w = options_.strides[1],
                 .dilation_h = options_.dilation_rate[0],
                 .dilation_w = options_.dilation_rate[1],
                 .pad_top = out.height.pad_before,
                 .pad_left = out.width.pad_before,
                 .pad_bottom = out.height.pad_after,
                 .pad_right = out.width.pad_after,
                 .groups = channels};
    // Keras's depthwise kernel (kh, kw, C, multiplier) is the grouped kernel (kh, kw, 1, C·multiplier) in memory.
    kernel_ =
        kernel_param(options_.weights, Shape{kernel_size_[0], kernel_size_[1], channels, options_.depth_multiplier});
    kernel_.name = "depthwise_kernel";
    bias_ = bias_param(options_.weights, Shape{out_channels});
    return Shape{input[0], out.height.size, out.width.size, out_channels};
}

std::vector<Param*> DepthwiseConv2D::params() {
    if (options_.weights.use_bias) return {&kernel_, &bias_};
    return {&kernel_};
}

// The activation sees one row per pixel, so softmax runs over the channels as in Keras.
void DepthwiseConv2D::forward(const Tensor& x, Tensor& y, Mode) {
    geometry_.batch = x.rows();
    const Tensor no_bias;
    x_.set(x, precision());
    conv2d_forward(geometry_, x_, kernel_.value, options_.weights.use_bias ? bias_.value : no_bias, y, false);
    Tensor pixels = y.reshaped(Shape{y.numel() / geometry_.out_c, geometry_.out_c});
    activation_.forward(pixels);
}

void DepthwiseConv2D::backward(const Tensor& dy, Tensor& dx) {
    const Tensor dz = activation_.backward(dy.reshaped(Shape{dy.numel() / geometry_.out_c, geometry_.out_c}));
    Tensor no_bias;
    dz_.set(dz.reshaped(dy.shape()), precision());
    conv2d_backward_weights(geometry_, x_, dz_, kernel_.grad, options_.weights.use_bias ? bias_.grad : no_bias);
    if (!dx.empty()) conv2d_backward_data(geometry_, dz_, kernel_.value, dx);
}

nlohmann::json DepthwiseConv2D::config() const {
    nlohmann::json config{{"kernel_size", kernel_size_},
                          {"strides", options_.strides},
                          {"padding", options_.padding},
                          {"depth_multiplier", options_.depth_multiplier},
                          {"dilation_rate", options_.dilation_rate},
                          {"activation", activation_name(activation_.kind())}};
    add_weight_options(options_.weights, config, "depthwise");  // Keras's names: depthwise_initializer, …
    return config;
}

}  // namespace nnlab
