// The geometry of pooling over NHWC tensors (max and average, forward and backward) and its checks; the kernels
// are in the backends' list (kernels/backend.hpp).
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

// Where every window sits. Padding is implicit: padded positions never win a max and are not counted in
// an average (Keras/TF's average for padding "same"). out_h = (in_h + pad_top + pad_bottom − pool_h) / stride_h + 1,
// and the same across.
struct PoolGeometry {
    int64_t batch = 0, in_h = 0, in_w = 0, channels = 0;
    int64_t out_h = 0, out_w = 0;
    int64_t pool_h = 0, pool_w = 0;
    int64_t stride_h = 0, stride_w = 0;
    int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
    auto operator<=>(const PoolGeometry&) const = default;
};

// What max_pool_forward keeps for max_pool_backward: which input each output came from. Opaque, and only
// the implementation (fast or reference) that wrote it can read it.
struct MaxPoolWorkspace {
    std::vector<std::byte> bytes;
};

// Ties in a window: the gradient goes to the first maximum in row-major window order (top row first,
// left to right), which is what oneDNN picks.
// Throws nnlab::Error (a failure: the caller's bug) when the geometry is inconsistent or the tensors
// (x: N·in_h·in_w·C values, y: N·out_h·out_w·C) do not fit it.
void check_pool(const char* op, const PoolGeometry& g, const Shape& x, const Shape& y);
inline void check_pool(const char* op, const PoolGeometry& g, const Tensor& x, const Tensor& y) {
    check_pool(op, g, x.shape(), y.shape());
}
// Whether no two windows share an input (strides at least the pool size): a max pool's backward then moves values
// without adding any, and may do so in bfloat16 exactly.
constexpr bool windows_disjoint(const PoolGeometry& g) {
    return g.stride_h >= g.pool_h && g.stride_w >= g.pool_w;
}
// Throws nnlab::Error (a failure) unless windows_disjoint(g): the bfloat16 max pool backward's precondition.
void check_disjoint_windows(const char* op, const PoolGeometry& g);

// Which oneDNN implementation the fast kernel runs for this geometry ("jit:avx512_core", …; "ref:any" would
// mean oneDNN's own slow loops), for tests and benchmarks.
std::string pooling_implementation(const PoolGeometry& g, bool max, bool backward, bool bfloat16 = false);

}  // namespace nnlab
