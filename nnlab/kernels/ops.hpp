// The kernels as layers, losses, optimizers and metrics call them: nnlab::<kernel>(…) runs the kernel of that name
// (kernels/backend.hpp, the one list) on the backend of its tensors' device. And the one place precision is
// decided: a product's operands are Operands, which hold float32 or bfloat16 as the model's precision says.
#pragma once

#include "nnlab/core/precision.hpp"
#include "nnlab/kernels/backend.hpp"

namespace nnlab {

inline Backend& backend_of(const Tensor& t) {
    return backend(t.device());
}
inline Backend& backend_of(const Bf16Tensor& t) {
    return backend(t.device());
}

#define NNLAB_DISPATCH_KERNEL(result, kernel, parameters, arguments, device_of) \
    inline result kernel parameters {                                           \
        return backend_of(device_of).kernel arguments;                          \
    }
NNLAB_KERNELS(NNLAB_DISPATCH_KERNEL)
#undef NNLAB_DISPATCH_KERNEL

// The common forms, with the defaults the list cannot carry.
inline void gemm(const Tensor& a, const Tensor& b, Tensor& c) {
    gemm(a, b, c, GemmOptions{});
}
inline void gemm(const Bf16Tensor& a, const Bf16Tensor& b, Tensor& c) {
    gemm(a, b, c, GemmOptions{});
}
inline void add(const Tensor& a, const Tensor& b, Tensor& out) {
    add(a, b, out, false);
}

// Operand — an input of the products (GEMM, convolution) in the precision they run in: a view of the float32
// tensor, or its bfloat16 rounding, made once by set() and read by every product of the step that needs it (a
// layer's input serves forward and the weight gradient; dL/dz both backward products).
class Operand {
public:
    // Reads x in `precision`: a view of x in float32, a rounding of it (kept here) in bfloat16.
    void set(const Tensor& x, Precision precision);
    // A view of x's bfloat16 values, which must outlive it.
    static Operand viewing(const Bf16Tensor& x);
    // Holds bfloat16 values the caller writes (a tensor handed over rounded): the storage, sized for `shape`.
    Bf16Tensor& rounded(const Shape& shape);
    Precision precision() const { return precision_; }
    const Tensor& float32() const { return float32_; }
    const Bf16Tensor& bfloat16() const { return bfloat16_; }
    bool empty() const { return precision_ == Precision::float32 ? float32_.empty() : bfloat16_.empty(); }
    // A view of `count` of its rows (along the batch axis) from `begin`; this operand must outlive it.
    Operand rows(int64_t begin, int64_t count) const;

private:
    Precision precision_ = Precision::float32;
    Tensor float32_;
    Bf16Tensor bfloat16_;
};

// The products on operands: the float32 or the bfloat16 kernel, as the operands hold (both the same precision).
void gemm(const Operand& a, const Operand& b, Tensor& c, GemmOptions options = {});
void conv2d_forward(const ConvGeometry& g, const Operand& x, const Tensor& w, const Tensor& bias, Tensor& y, bool relu);
void conv2d_backward_data(const ConvGeometry& g, const Operand& dy, const Tensor& w, Tensor& dx);
void conv2d_backward_weights(const ConvGeometry& g, const Operand& x, const Operand& dy, Tensor& dw, Tensor& db);

// Checks shared by the backends; each throws nnlab::Error (a failure: the caller's bug) naming the shapes.
struct GemmDims {
    int64_t m, n, k;
};
GemmDims check_gemm(const Shape& a, const Shape& b, const Shape& c, GemmOptions options);
inline GemmDims check_gemm(const Tensor& a, const Tensor& b, const Tensor& c, GemmOptions options) {
    return check_gemm(a.shape(), b.shape(), c.shape(), options);
}
void check_same_shape(const char* op, const Tensor& x, const Tensor& y);
// Which oneDNN implementation the CPU gemm kernel runs for c (m × n) = op(a) (m × k) · op(b) (k × n)
// ("brg:avx512_core", …), for tests and the convolutions that run as GEMMs.
std::string gemm_implementation(int64_t m, int64_t n, int64_t k, GemmOptions options, bool bfloat16);
// The kernels that apply an activation per value in their own pass (activation_in_one_pass) refuse the others.
void check_one_pass_activation(const char* op, ActivationKind kind);

// Whether this CPU runs bfloat16 GEMMs and convolutions natively (AVX-512 BF16), which Precision::bfloat16 needs
// to be worth it; Sequential::compile falls back to float32 where it is absent.
bool bfloat16_supported();

}  // namespace nnlab
