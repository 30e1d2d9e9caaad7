// Pooling kernels over NHWC tensors: max and average, forward and backward. nnlab::<op> is the fast CPU
// kernel (kernels/cpu/pooling.cpp, oneDNN), nnlab::reference::<op> the plain loop it is tested against.
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
#define NNLAB_POOLING_SIGNATURES                                                                                    \
    /* y (N, out_h, out_w, C) = max over each window of x (N, in_h, in_w, C); workspace is written for              \
       backward, or null when there will be no backward (inference) */                                              \
    void max_pool_forward(const PoolGeometry& g, const Tensor& x, Tensor& y, MaxPoolWorkspace* workspace);          \
    /* dx (N, in_h, in_w, C) = dy (N, out_h, out_w, C) routed to each window's maximum; overwrites dx */            \
    void max_pool_backward(const PoolGeometry& g, const Tensor& dy, const MaxPoolWorkspace& workspace, Tensor& dx); \
    /* y = mean over each window's positions inside x (padding excluded) */                                         \
    void avg_pool_forward(const PoolGeometry& g, const Tensor& x, Tensor& y);                                       \
    /* dx = dy spread evenly over each window's positions inside x; overwrites dx */                                \
    void avg_pool_backward(const PoolGeometry& g, const Tensor& dy, Tensor& dx);

NNLAB_POOLING_SIGNATURES

namespace reference {
NNLAB_POOLING_SIGNATURES
}  // namespace reference

#undef NNLAB_POOLING_SIGNATURES

// Throws nnlab::Error (a failure: the caller's bug) when the geometry is inconsistent or the tensors
// (x: N·in_h·in_w·C values, y: N·out_h·out_w·C) do not fit it.
void check_pool(const char* op, const PoolGeometry& g, const Tensor& x, const Tensor& y);

// Which oneDNN implementation the fast kernel runs for this geometry ("jit:avx512_core", …; "ref:any" would
// mean oneDNN's own slow loops), for tests and benchmarks.
std::string pooling_implementation(const PoolGeometry& g, bool max, bool backward);

}  // namespace nnlab
