// Pooling2D — pool_size, strides and padding shared by MaxPooling2D and AveragePooling2D.
#include "nnlab/layers/pooling2d.hpp"

#include <algorithm>
#include <cctype>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

std::string pair_text(const std::array<int64_t, 2>& v) {
    return "(" + std::to_string(v[0]) + ", " + std::to_string(v[1]) + ")";
}

void require_positive(const char* key, const std::array<int64_t, 2>& v) {
    if (v[0] <= 0 || v[1] <= 0) {
        throw KeyError(key, std::string(key) + ": expected two positive integers, found " + pair_text(v));
    }
}

// One spatial axis: output size and padding before/after, as Keras/TF work them out.
struct AxisGeometry {
    int64_t out, pad_low, pad_high;
};
AxisGeometry axis_geometry(int64_t in, int64_t pool, int64_t stride, bool same) {
    if (!same) return {(in - pool) / stride + 1, 0, 0};
    const int64_t out = (in + stride - 1) / stride;
    const int64_t total = std::max<int64_t>((out - 1) * stride + pool - in, 0);
    return {out, total / 2, total - total / 2};
}

}  // namespace

PoolGeometry keras_pool_geometry(int64_t in_h, int64_t in_w, int64_t channels, std::array<int64_t, 2> pool_size,
                                 std::array<int64_t, 2> strides, bool same) {
    const AxisGeometry h = axis_geometry(in_h, pool_size[0], strides[0], same);
    const AxisGeometry w = axis_geometry(in_w, pool_size[1], strides[1], same);
    return PoolGeometry{.batch = 0,
                        .in_h = in_h,
                        .in_w = in_w,
                        .channels = channels,
                        .out_h = h.out,
                        .out_w = w.out,
                        .pool_h = pool_size[0],
                        .pool_w = pool_size[1],
                        .stride_h = strides[0],
                        .stride_w = strides[1],
                        .pad_top = h.pad_low,
                        .pad_left = w.pad_low,
                        .pad_bottom = h.pad_high,
                        .pad_right = w.pad_high};
}

Pooling2D::Pooling2D(std::array<int64_t, 2> pool_size, PoolingOptions options)
    : pool_size_(pool_size), strides_(options.strides.value_or(pool_size)), padding_(options.padding) {
    require_positive("pool_size", pool_size_);
    require_positive("strides", strides_);
    std::ranges::transform(padding_, padding_.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (padding_ != "valid" && padding_ != "same") {
        throw KeyError("padding", "padding: expected \"valid\" or \"same\", found \"" + options.padding + "\"");
    }
}

Shape Pooling2D::build(const Shape& input) {
    if (input.rank() != 4) {
        throw Error(error_prefix() + "expected input (batch, height, width, channels), found " + input.to_string());
    }
    const bool same = padding_ == "same";
    const int64_t in_h = input[1], in_w = input[2];
    if (!same && (in_h < pool_size_[0] || in_w < pool_size_[1])) {
        throw Error(error_prefix() + "pool_size " + pair_text(pool_size_) + " does not fit the input " +
                    input.to_string() + " with padding \"valid\"; use a smaller pool_size or padding \"same\"");
    }
    geometry_ = keras_pool_geometry(in_h, in_w, input[3], pool_size_, strides_, same);
    return Shape{input[0], geometry_.out_h, geometry_.out_w, input[3]};
}

PoolGeometry Pooling2D::geometry(int64_t batch) const {
    PoolGeometry g = geometry_;
    g.batch = batch;
    return g;
}

nlohmann::json Pooling2D::config() const {
    return {{"pool_size", pool_size_}, {"strides", strides_}, {"padding", padding_}};
}

}  // namespace nnlab
