// Pooling geometry checks shared by the fast and the reference kernels.
#include "nnlab/kernels/pooling.hpp"

#include <string>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

std::string describe(const PoolGeometry& g) {
    auto pair = [](int64_t a, int64_t b) { return "(" + std::to_string(a) + ", " + std::to_string(b) + ")"; };
    return "input (" + std::to_string(g.batch) + ", " + std::to_string(g.in_h) + ", " + std::to_string(g.in_w) + ", " +
           std::to_string(g.channels) + "), output " + pair(g.out_h, g.out_w) + ", pool " + pair(g.pool_h, g.pool_w) +
           ", strides " + pair(g.stride_h, g.stride_w) + ", padding top/left " + pair(g.pad_top, g.pad_left) +
           " bottom/right " + pair(g.pad_bottom, g.pad_right);
}

bool axis_fits(int64_t in, int64_t out, int64_t pool, int64_t stride, int64_t pad_low, int64_t pad_high) {
    if (in <= 0 || out <= 0 || pool <= 0 || stride <= 0 || pad_low < 0 || pad_high < 0) return false;
    // A window made only of padding would have no input to take from.
    if (pad_low >= pool || pad_high >= pool) return false;
    return (in + pad_low + pad_high - pool) >= 0 && (in + pad_low + pad_high - pool) / stride + 1 == out;
}

}  // namespace

void check_pool(const char* op, const PoolGeometry& g, const Shape& x, const Shape& y) {
    const bool fits = g.batch > 0 && g.channels > 0 &&
                      axis_fits(g.in_h, g.out_h, g.pool_h, g.stride_h, g.pad_top, g.pad_bottom) &&
                      axis_fits(g.in_w, g.out_w, g.pool_w, g.stride_w, g.pad_left, g.pad_right);
    if (!fits) throw Error(std::string(op) + ": inconsistent pooling geometry: " + describe(g), ErrorKind::failure);
    if (x.numel() != g.batch * g.in_h * g.in_w * g.channels || y.numel() != g.batch * g.out_h * g.out_w * g.channels) {
        throw Error(std::string(op) + ": tensors " + x.to_string() + " and " + y.to_string() +
                        " do not fit the geometry " + describe(g),
                    ErrorKind::failure);
    }
}

void check_disjoint_windows(const char* op, const PoolGeometry& g) {
    if (!windows_disjoint(g)) {
        throw Error(std::string(op) + ": bfloat16 gradients need windows that do not overlap; found " + describe(g),
                    ErrorKind::failure);
    }
}

}  // namespace nnlab
