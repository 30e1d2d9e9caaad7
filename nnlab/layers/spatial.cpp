// Keras's rule for windows sliding over the spatial axes: output sizes, padding and the shared checks.
#include "nnlab/layers/spatial.hpp"

#include <algorithm>
#include <cctype>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

// Rounds towards −∞, so a window wider than the input gives a size ≤ 0 instead of 1.
int64_t floor_div(int64_t a, int64_t b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

}  // namespace

Padding padding_from_name(std::string_view name) {
    std::string lower(name);
    std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "valid") return Padding::valid;
    if (lower == "same") return Padding::same;
    throw KeyError("padding", "padding: expected \"valid\" or \"same\", found \"" + std::string(name) + "\"");
}

std::string padding_name(Padding padding) {
    return padding == Padding::same ? "same" : "valid";
}

AxisExtent axis_extent(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, Padding padding) {
    const int64_t span = dilation * (kernel - 1) + 1;  // the dilated window
    if (padding == Padding::valid) return {floor_div(in - span, stride) + 1, 0, 0};
    const int64_t size = (in + stride - 1) / stride;
    const int64_t total = std::max<int64_t>((size - 1) * stride + span - in, 0);
    return {size, total / 2, total - total / 2};
}

SpatialDims out_size(HeightWidth in, HeightWidth kernel, HeightWidth strides, HeightWidth dilation, Padding padding) {
    return {axis_extent(in[0], kernel[0], strides[0], dilation[0], padding),
            axis_extent(in[1], kernel[1], strides[1], dilation[1], padding)};
}

void require_output(const SpatialDims& out, HeightWidth in, HeightWidth kernel, HeightWidth dilation, Padding padding,
                    const std::string& error_prefix) {
    if (out.height.size > 0 && out.width.size > 0) return;
    const HeightWidth span{dilation[0] * (kernel[0] - 1) + 1, dilation[1] * (kernel[1] - 1) + 1};
    std::string message = error_prefix + "the output would be " + std::to_string(out.height.size) + "×" +
                          std::to_string(out.width.size) + ": the input's " + pair_text(in) +
                          " pixels are fewer than the " + pair_text(kernel) + " kernel";
    if (span != kernel) message += " (" + pair_text(span) + " with dilation_rate " + pair_text(dilation) + ")";
    message +=
        " with padding \"" + padding_name(padding) + "\"; use padding \"same\", a smaller kernel or a larger input";
    throw Error(message);
}

void require_positive_pair(const std::string& key, HeightWidth values) {
    if (values[0] <= 0 || values[1] <= 0) {
        throw KeyError(key, key + ": expected two positive integers, found [" + std::to_string(values[0]) + ", " +
                                std::to_string(values[1]) + "]");
    }
}

void require_strides_or_dilation(HeightWidth strides, HeightWidth dilation) {
    const bool strided = strides[0] > 1 || strides[1] > 1;
    const bool dilated = dilation[0] > 1 || dilation[1] > 1;
    if (strided && dilated) {
        throw KeyError("dilation_rate",
                       "dilation_rate: strides > 1 is not supported together with dilation_rate > 1 "
                       "(as in Keras); got strides " +
                           pair_text(strides) + " and dilation_rate " + pair_text(dilation));
    }
}

HeightWidth image_size(const Shape& input, const std::string& error_prefix) {
    const bool known = input.rank() == 4 && input[1] > 0 && input[2] > 0 && input[3] > 0;
    if (!known) {
        throw Error(
            error_prefix + "expected input (batch, height, width, channels), found " + input.to_string() +
            (input.rank() == 2 ? "; images need a 4-D input such as (None, 32, 32, 3), not a flattened one" : ""));
    }
    return {input[1], input[2]};
}

std::string pair_text(HeightWidth values) {
    return std::to_string(values[0]) + "×" + std::to_string(values[1]);
}

}  // namespace nnlab
