// Geometry and shape checks shared by the fast and the reference convolution kernels.
#include <string>
#include <type_traits>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/convolution.hpp"

namespace nnlab {
namespace {

std::string describe(const ConvGeometry& g) {
    auto pair = [](int64_t a, int64_t b) { return std::to_string(a) + "×" + std::to_string(b); };
    return "input " + g.input_shape().to_string() + ", output " + g.output_shape().to_string() + ", kernel " +
           pair(g.kernel_h, g.kernel_w) + ", strides " + pair(g.stride_h, g.stride_w) + ", dilation " +
           pair(g.dilation_h, g.dilation_w) + ", padding (top " + std::to_string(g.pad_top) + ", left " +
           std::to_string(g.pad_left) + ", bottom " + std::to_string(g.pad_bottom) + ", right " +
           std::to_string(g.pad_right) + "), groups " + std::to_string(g.groups);
}

// The output size the geometry implies along one axis.
int64_t implied_out(int64_t in, int64_t pad, int64_t kernel, int64_t stride, int64_t dilation) {
    const int64_t span = in + pad - dilation * (kernel - 1) - 1;
    return span < 0 ? 0 : span / stride + 1;
}

template <class Operand>
void expect_numel(const char* op, const ConvGeometry& g, const char* what, const Operand& t, const Shape& shape) {
    if (t.numel() != shape.numel()) {
        throw Error(std::string(op) + ": " + what + " is " + t.shape().to_string() + ", expected " + shape.to_string() +
                        " for " + describe(g),
                    ErrorKind::failure);
    }
}

}  // namespace

void check_conv_geometry(const char* op, const ConvGeometry& g) {
    const bool positive = g.batch > 0 && g.in_h > 0 && g.in_w > 0 && g.in_c > 0 && g.out_h > 0 && g.out_w > 0 &&
                          g.out_c > 0 && g.kernel_h > 0 && g.kernel_w > 0 && g.stride_h > 0 && g.stride_w > 0 &&
                          g.dilation_h > 0 && g.dilation_w > 0 && g.groups > 0;
    const bool padding_ok = g.pad_top >= 0 && g.pad_left >= 0 && g.pad_bottom >= 0 && g.pad_right >= 0;
    const bool groups_ok = positive && g.in_c % g.groups == 0 && g.out_c % g.groups == 0;
    const bool sizes_ok =
        positive && implied_out(g.in_h, g.pad_top + g.pad_bottom, g.kernel_h, g.stride_h, g.dilation_h) == g.out_h &&
        implied_out(g.in_w, g.pad_left + g.pad_right, g.kernel_w, g.stride_w, g.dilation_w) == g.out_w;
    if (!positive || !padding_ok || !groups_ok || !sizes_ok) {
        throw Error(std::string(op) + ": inconsistent convolution geometry: " + describe(g), ErrorKind::failure);
    }
}

template <class Input, class Output>
void check_conv_tensors(const char* op, const ConvGeometry& g, const Input& x, const Tensor& w, const Tensor& bias,
                        const Output& y) {
    check_conv_geometry(op, g);
    if (!g.bfloat16 && (std::is_same_v<Input, Bf16Tensor> || std::is_same_v<Output, Bf16Tensor>)) {
        throw Error(std::string(op) +
                        ": bfloat16 operands given to a float32 convolution (ConvGeometry::bfloat16 is "
                        "not set) for " +
                        describe(g),
                    ErrorKind::failure);
    }
    expect_numel(op, g, "the input", x, g.input_shape());
    expect_numel(op, g, "the kernel", w, g.weights_shape());
    if (!bias.empty()) expect_numel(op, g, "the bias", bias, Shape{g.out_c});
    expect_numel(op, g, "the output", y, g.output_shape());
}

template void check_conv_tensors(const char*, const ConvGeometry&, const Tensor&, const Tensor&, const Tensor&,
                                 const Tensor&);
template void check_conv_tensors(const char*, const ConvGeometry&, const Bf16Tensor&, const Tensor&, const Tensor&,
                                 const Tensor&);
template void check_conv_tensors(const char*, const ConvGeometry&, const Tensor&, const Tensor&, const Tensor&,
                                 const Bf16Tensor&);
template void check_conv_tensors(const char*, const ConvGeometry&, const Bf16Tensor&, const Tensor&, const Tensor&,
                                 const Bf16Tensor&);

}  // namespace nnlab
