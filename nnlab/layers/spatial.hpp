// Keras's rule for windows sliding over the spatial axes (Conv2D, DepthwiseConv2D, pooling): output sizes,
// "valid"/"same" padding, and the checks on kernel sizes, strides and dilation those layers share.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "nnlab/core/shape.hpp"

namespace nnlab {

enum class Padding { valid, same };

// "valid" or "same", case-insensitive as in Keras; anything else throws KeyError("padding").
Padding padding_from_name(std::string_view name);
std::string padding_name(Padding padding);

// One spatial axis after the window: its size and the zeros added before and after it.
struct AxisExtent {
    int64_t size;
    int64_t pad_before, pad_after;
};

// valid: floor((in − dilation·(kernel − 1) − 1) / stride) + 1, no padding (≤ 0 when the window does not fit).
// same: ceil(in / stride), total padding max((size − 1)·stride + dilation·(kernel − 1) + 1 − in, 0), the odd
// pixel after (bottom/right), as TensorFlow.
AxisExtent axis_extent(int64_t in, int64_t kernel, int64_t stride, int64_t dilation, Padding padding);

struct SpatialDims {
    AxisExtent height, width;
};

using HeightWidth = std::array<int64_t, 2>;  // as Keras's kernel_size, strides, dilation_rate

SpatialDims out_size(HeightWidth in, HeightWidth kernel, HeightWidth strides, HeightWidth dilation, Padding padding);

// Throws Error(prefix + …) naming the input, the kernel and the output sizes when the window leaves no output.
void require_output(const SpatialDims& out, HeightWidth in, HeightWidth kernel, HeightWidth dilation, Padding padding,
                    const std::string& error_prefix);

// Throws KeyError(key) unless both values are positive: "strides: expected two positive integers, found [0, 1]".
void require_positive_pair(const std::string& key, HeightWidth values);
// Keras refuses strides > 1 together with dilation_rate > 1; throws KeyError("dilation_rate").
void require_strides_or_dilation(HeightWidth strides, HeightWidth dilation);

// "(64, 32, 32, 3)" → {32, 32}; throws Error(prefix + …) unless the input is (batch, height, width, channels) with
// known sizes.
HeightWidth image_size(const Shape& input, const std::string& error_prefix);

// "3×3", for messages.
std::string pair_text(HeightWidth values);

}  // namespace nnlab
