// nnlab::reference::<kernel>(…): the reference backend's kernel of that name, for the tests and benchmarks that
// check a fast kernel against it (nnlab::<kernel> runs the tensors' own backend).
#pragma once

#include "nnlab/kernels/ops.hpp"

namespace nnlab::reference {

#define NNLAB_REFERENCE_KERNEL(result, kernel, parameters, arguments, device_of) \
    inline result kernel parameters {                                            \
        return reference_backend().kernel arguments;                             \
    }
NNLAB_KERNELS(NNLAB_REFERENCE_KERNEL)
#undef NNLAB_REFERENCE_KERNEL

inline void gemm(const Tensor& a, const Tensor& b, Tensor& c) {
    reference_backend().gemm(a, b, c, GemmOptions{});
}
inline void gemm(const Bf16Tensor& a, const Bf16Tensor& b, Tensor& c) {
    reference_backend().gemm(a, b, c, GemmOptions{});
}

}  // namespace nnlab::reference
