// The one list of kernel signatures. nnlab::<op> is the fast CPU kernel (kernels/cpu/),
// nnlab::reference::<op> the plain loop it is tested against (kernels/reference/).
#pragma once

#include "nnlab/tensor/bf16_tensor.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

struct GemmOptions {
    bool trans_a = false;     // a is stored (k, m)
    bool trans_b = false;     // b is stored (n, k)
    bool accumulate = false;  // c += op(a)·op(b) instead of c = op(a)·op(b)
};

// Keras's activations. leaky_relu uses Keras's function default (negative_slope 0.2), elu alpha 1, gelu the exact
// erf form (approximate=False), swish is silu.
enum class ActivationKind { linear, relu, tanh, sigmoid, softmax, leaky_relu, elu, gelu, swish, softplus };

// True when the derivative needs the activation's input x, not only its output y (gelu, swish).
constexpr bool activation_needs_input(ActivationKind kind) {
    return kind == ActivationKind::gelu || kind == ActivationKind::swish;
}

#define NNLAB_KERNEL_SIGNATURES                                                                  \
    /* c (m, n) = op(a) (m, k) · op(b) (k, n); tensors are seen as (rows, everything else) */   \
    void gemm(const Tensor& a, const Tensor& b, Tensor& c, GemmOptions options = {});            \
    /* the same with bfloat16 operands, products accumulated and stored in float32 */            \
    void gemm(const Bf16Tensor& a, const Bf16Tensor& b, Tensor& c, GemmOptions options = {});    \
    /* out = x rounded to bfloat16 (bfloat16_bits), in x's shape */                              \
    void convert_to_bfloat16(const Tensor& x, Bf16Tensor& out);                                  \
    /* out = a + b, clamped at zero when relu (a residual sum and its relu in one pass); out may \
       be a or b */                                                                              \
    void add(const Tensor& a, const Tensor& b, Tensor& out, bool relu = false);                  \
    /* y (n, c) += bias (c) on every row */                                                      \
    void add_row_bias(Tensor& y, const Tensor& bias);                                            \
    /* out (c) = Σₙ x (n, c), or += when accumulate */                                        \
    void sum_rows(const Tensor& x, Tensor& out, bool accumulate);                                \
    /* y = f(x), same shape; softmax over the last axis */                                       \
    void activation_forward(ActivationKind kind, const Tensor& x, Tensor& y);                    \
    /* dx = f'(x)·dy from the forward output y; x (the input) is read only when                 \
       activation_needs_input(kind), else it may be empty */                                     \
    void activation_backward(ActivationKind kind, const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx);

NNLAB_KERNEL_SIGNATURES

namespace reference {
NNLAB_KERNEL_SIGNATURES
}  // namespace reference

#undef NNLAB_KERNEL_SIGNATURES

// Checks shared by both implementations; each throws nnlab::Error naming the shapes.
struct GemmDims {
    int64_t m, n, k;
};
GemmDims check_gemm(const Shape& a, const Shape& b, const Shape& c, GemmOptions options);
inline GemmDims check_gemm(const Tensor& a, const Tensor& b, const Tensor& c, GemmOptions options) {
    return check_gemm(a.shape(), b.shape(), c.shape(), options);
}

// Whether this CPU runs bfloat16 GEMMs and convolutions natively (AVX-512 BF16), which Precision::bfloat16 needs
// to be worth it; Sequential::compile falls back to float32 where it is absent.
bool bfloat16_supported();
void check_same_shape(const char* op, const Tensor& x, const Tensor& y);

}  // namespace nnlab
