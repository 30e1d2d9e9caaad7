// The geometry of a 2-D convolution (Keras: Conv2D, DepthwiseConv2D) and its checks; the kernels are in the
// backends' list (kernels/backend.hpp): oneDNN on the CPU (kernels/cpu/convolution.cpp), plain loops in
// kernels/reference/convolution.cpp.
//
// Layouts are Keras's: activations NHWC, weights (kh, kw, in_channels / groups, out_channels). A depthwise
// convolution is the grouped one with groups = in_channels: its Keras kernel (kh, kw, in_channels,
// depth_multiplier) is then the same memory, output channel c·depth_multiplier + m.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "nnlab/core/shape.hpp"
#include "nnlab/tensor/bf16_tensor.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

// Everything that fixes the shapes of one convolution. Output sizes are the caller's (the layer applies
// Keras's padding rule); the kernels check that they agree with the rest.
struct ConvGeometry {
    int64_t batch = 0;
    int64_t in_h = 0, in_w = 0, in_c = 0;
    int64_t out_h = 0, out_w = 0, out_c = 0;
    int64_t kernel_h = 1, kernel_w = 1;
    int64_t stride_h = 1, stride_w = 1;
    int64_t dilation_h = 1, dilation_w = 1;  // Keras's dilation_rate: 1 is a plain convolution
    int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
    int64_t groups = 1;  // in_c and out_c are multiples of it; in_c for depthwise
    // Precision::bfloat16: x, w and dy are rounded to bfloat16 (bfloat16_bits) and the products summed in float32;
    // y, dx, dw and db stay float32.
    bool bfloat16 = false;

    Shape input_shape() const { return Shape{batch, in_h, in_w, in_c}; }
    Shape output_shape() const { return Shape{batch, out_h, out_w, out_c}; }
    Shape weights_shape() const { return Shape{kernel_h, kernel_w, in_c / groups, out_c}; }
    // Multiply-adds ×2 of one pass (forward, backward-data and backward-weights each do this many).
    double flops() const {
        return 2.0 * double(batch) * double(out_h * out_w) * double(kernel_h * kernel_w) * double(in_c / groups) *
               double(out_c);
    }

    auto operator<=>(const ConvGeometry&) const = default;
};

// Which oneDNN implementation runs each pass of the fast kernels for this geometry ("brg:avx512_core",
// "jit:avx512_core", …), for benchmarks and for tests that guard against falling back to "ref".
struct ConvImplementations {
    std::string forward, backward_data, backward_weights;
};
ConvImplementations conv2d_implementations(const ConvGeometry& g);

// Shared by both implementations; each throws nnlab::Error (ErrorKind::failure) naming the geometry and the
// tensor that does not fit it. bias/db may be empty.
void check_conv_geometry(const char* op, const ConvGeometry& g);
// x and y are the input-side and output-side activations of the pass (x/dx, y/dy), each a Tensor or a Bf16Tensor;
// a Bf16Tensor also needs g.bfloat16.
template <class Input, class Output>
void check_conv_tensors(const char* op, const ConvGeometry& g, const Input& x, const Tensor& w, const Tensor& bias,
                        const Output& y);

}  // namespace nnlab
