// Conv2D — 2-D convolution over NHWC images (Keras: layers.Conv2D).
#include "nnlab/layers/conv2d.hpp"

#include <algorithm>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/activation.hpp"

namespace nnlab {
namespace {

// dz in the layer's precision lives only through one backward, and layers run backward one at a time on the
// training thread: one buffer (the largest dz's, kept) for every convolution rather than one each. At batch 1024
// airbench's six convolutions held 330 MB of them.
Operand& output_gradient_operand() {
    thread_local Operand operand;
    return operand;
}

// The most values of dz rounded at once (16 MB in bfloat16). Measured at batch 1024 on airbench's net: pieces are
// no slower than the whole batch (docs/measurements.md).
constexpr int64_t max_rounded_dz = int64_t{8} << 20;

}  // namespace

Conv2D::Conv2D(int64_t filters, std::array<int64_t, 2> kernel_size, Conv2DOptions options)
    : filters_(filters),
      kernel_size_(kernel_size),
      options_(std::move(options)),
      padding_(padding_from_name(options_.padding)),
      activation_(activation_from_name(options_.activation)) {
    if (filters <= 0)
        throw KeyError("filters", "filters: expected a positive integer, found " + std::to_string(filters));
    require_positive_pair("kernel_size", kernel_size_);
    require_positive_pair("strides", options_.strides);
    require_positive_pair("dilation_rate", options_.dilation_rate);
    require_strides_or_dilation(options_.strides, options_.dilation_rate);
    options_.padding = padding_name(padding_);
}

Shape Conv2D::build(const Shape& input) {
    const HeightWidth in = image_size(input, error_prefix());
    const SpatialDims out = out_size(in, kernel_size_, options_.strides, options_.dilation_rate, padding_);
    require_output(out, in, kernel_size_, options_.dilation_rate, padding_, error_prefix());
    geometry_ = {.batch = 0,
                 .in_h = in[0],
                 .in_w = in[1],
                 .in_c = input[3],
                 .out_h = out.height.size,
                 .out_w = out.width.size,
                 .out_c = filters_,
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
                 .groups = 1};
    kernel_ = kernel_param(options_.weights, Shape{kernel_size_[0], kernel_size_[1], input[3], filters_});
    bias_ = bias_param(options_.weights, Shape{filters_});
    return Shape{input[0], out.height.size, out.width.size, filters_};
}

std::vector<Param*> Conv2D::params() {
    if (options_.weights.use_bias) return {&kernel_, &bias_};
    return {&kernel_};
}

// The activation sees one row per pixel, so softmax runs over the channels as in Keras.
void Conv2D::forward(const Tensor& x, Tensor& y, Mode) {
    x_.set(x, precision());
    convolve(y);
}

void Conv2D::forward_from_rounded(Tensor& y, Mode) {
    if (x_.precision() != Precision::bfloat16 || x_.empty())
        throw Error(error_prefix() + "no rounded input was written", ErrorKind::failure);
    convolve(y);
}

void Conv2D::convolve(Tensor& y) {
    geometry_.batch = y.rows();
    const Tensor no_bias;
    const Tensor& bias = options_.weights.use_bias ? bias_.value : no_bias;
    Tensor pixels = y.reshaped(Shape{y.numel() / filters_, filters_});
    // A relu costs no pass of its own: oneDNN applies it as the convolution writes its output.
    const bool relu = activation_.kind() == ActivationKind::relu;
    conv2d_forward(geometry_, x_, kernel_.value, bias, y, relu);
    relu ? activation_.record_relu_output(pixels) : activation_.forward(pixels);
}

void Conv2D::backward(const Tensor& dy, Tensor& dx) {
    const Tensor dz = activation_.backward(dy.reshaped(Shape{dy.numel() / filters_, filters_})).reshaped(dy.shape());
    Operand& dz_operand = output_gradient_operand();
    backward_of(
        dz, dz.rows(), dz.numel(),
        [&](int64_t begin, int64_t rows) -> const Operand& {
            dz_operand.set(dz.rows(begin, rows), precision());
            return dz_operand;
        },
        dx);
}

Layer::GradientPrecisions Conv2D::bfloat16_gradients(GradientPrecisions wanted) const {
    const bool takes =
        precision() == Precision::bfloat16 && activation_.kind() == ActivationKind::linear && kernel_.trainable;
    return {.output = wanted.output && takes, .input = false};
}

// dy is dz (a linear activation) already rounded: each piece is a view of it.
void Conv2D::backward_from_rounded(const Bf16Tensor& dy, Tensor& dx) {
    if (!bfloat16_gradients({.output = true}).output)
        throw Error(error_prefix() + "cannot take its output gradient in bfloat16", ErrorKind::failure);
    Operand piece;
    backward_of(
        Tensor(), dy.shape()[0], dy.numel(),
        [&](int64_t begin, int64_t rows) -> const Operand& {
            piece = Operand::viewing(dy.rows(begin, rows));
            return piece;
        },
        dx);
}

template <class DzRows>
void Conv2D::backward_of(const Tensor& dz, int64_t batch, int64_t values, const DzRows& dz_rows, Tensor& dx) {
    Tensor no_bias;
    // In pieces of the batch, so that the rounded dz of a large output is never whole: every row's dx is its own and
    // the weights' gradients add up over the pieces (airbench's first convolution: 126 MB of dz at batch 1024). A dz
    // handed over rounded goes in the same pieces: the same sums in the same order.
    const int64_t per_row = values / std::max<int64_t>(batch, 1);
    const int64_t piece_rows = precision() == Precision::bfloat16 ? rows_per_piece(batch, values, max_rounded_dz)
                                                                  : std::max<int64_t>(batch, 1);
    for (int64_t begin = 0; begin < batch; begin += piece_rows) {
        const int64_t rows = std::min(piece_rows, batch - begin);
        ConvGeometry piece = geometry_;
        piece.batch = rows;
        const Operand& dz_operand = dz_rows(begin, rows);
        if (kernel_.trainable) {
            conv2d_backward_weights(piece, x_.rows(begin, rows), dz_operand, kernel_.grad,
                                    options_.weights.use_bias ? bias_.grad : no_bias);
        } else if (options_.weights.use_bias && bias_.trainable) {
            // A frozen kernel (PatchWhitening's, a layer with trainable = false) needs no gradient: only the bias's,
            // the sum of dz over the pixels.
            sum_rows(dz.rows(begin, rows).reshaped(Shape{rows * per_row / filters_, filters_}), bias_.grad, true);
        }
        if (!dx.empty()) {
            Tensor dx_rows = dx.rows(begin, rows);
            conv2d_backward_data(piece, dz_operand, kernel_.value, dx_rows);
        }
    }
}

nlohmann::json Conv2D::config() const {
    nlohmann::json config{{"filters", filters_},
                          {"kernel_size", kernel_size_},
                          {"strides", options_.strides},
                          {"padding", options_.padding},
                          {"dilation_rate", options_.dilation_rate},
                          {"activation", activation_name(activation_.kind())}};
    add_weight_options(options_.weights, config);
    return config;
}

}  // namespace nnlab
