// Three passes of a bfloat16 convolution that run faster as another oneDNN primitive than as their own, on this
// machine's wide layers (docs/measurements.md, 2026-12-06, batch 1024 of airbench's net):
//
// - Backward-weights as GEMMs over the im2col of x: dw (kh·kw·in_c × out_c, the Keras kernel's own layout) +=
//   colᵀ · dy, a chunk of output rows at a time. oneDNN 2.6's direct "jit_bf16" backward-weights runs at 670–750
//   GFLOP/s on these shapes, its brgemm matmul at 850–950 with the copy included: 7×7×256→256 81 → 67 ms, 3×3×256→256
//   22 → 12, 15×15×64→256 88 → 82.
// - The forward where the output is at most 3×3 the same way, y = col · w: oneDNN's NHWC forward (brgconv) runs at
//   590–635 GFLOP/s there, 3×3×256→256 18 → 12 ms.
// - Backward-data of a stride-1 convolution as the forward convolution of dy with the kernel flipped in space and
//   with in and out channels swapped (padding (k − 1)·dilation − pad on each side): the forward gets oneDNN's
//   brgemm kernel ("brgconv"), backward-data only the older direct one. 7×7×256→256 71 → 57 ms, 15×15×64→256
//   70 → 64; at 3×3 or under 64 channels brgconv is the slower one, so those keep the direct kernel.
//
// Both sum the same products in another order: within the float32 tolerance of the reference, not the same bits as
// the direct kernels. The choice depends on the geometry only (never on a timing), so a run is reproducible.
#pragma once

#include <string>

#include "nnlab/kernels/convolution.hpp"

namespace nnlab {

// Whether the CPU backend computes the pass this way for g.
bool forward_by_matmul(const ConvGeometry& g);
bool weights_gradient_by_matmul(const ConvGeometry& g);
bool data_gradient_by_flipped_forward(const ConvGeometry& g);

// The geometry of the forward convolution that computes g's backward-data (x: g's dy, y: g's dx).
ConvGeometry flipped_geometry(const ConvGeometry& g);
// Its Keras kernel from g's: tap (kh, kw) is g's tap (kh_max − kh, kw_max − kw) with in and out channels swapped.
// flipped is sized on first use.
void flip_kernel(const ConvGeometry& g, const Tensor& w, Tensor& flipped);

// y = x ⊛ w + bias, clamped at zero for a relu (bias may be empty). Needs forward_by_matmul(g).
void conv2d_forward_by_matmul(const ConvGeometry& g, const Bf16Tensor& x, const Tensor& w, const Tensor& bias,
                              Tensor& y, bool relu);
// dw += the gradient of g's kernel; db += the sums of dy over its rows (db may be empty). Needs
// weights_gradient_by_matmul(g).
void conv2d_backward_weights_by_matmul(const ConvGeometry& g, const Bf16Tensor& x, const Bf16Tensor& dy, Tensor& dw,
                                       Tensor& db);
// The oneDNN implementation of the matmuls, as conv2d_implementations names it.
std::string forward_by_matmul_implementation(const ConvGeometry& g);
std::string weights_gradient_by_matmul_implementation(const ConvGeometry& g);

}  // namespace nnlab
