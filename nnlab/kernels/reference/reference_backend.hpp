// ReferenceBackend — every kernel as a plain loop, summed in double where a sum is taken: slow, and simple
// enough to check by reading. Every fast kernel is tested against it on the same cases (tests/kernels/); it runs
// on host memory, as the CPU backend does. Its methods are defined in kernels/reference/*.cpp.
#pragma once

#include "nnlab/kernels/backend.hpp"

namespace nnlab {

class ReferenceBackend final : public Backend {
public:
    Device device() const override { return Device::cpu; }
    std::string name() const override { return "reference: plain loops in double"; }

    NNLAB_KERNELS(NNLAB_OVERRIDE_KERNEL)
};

// out = x rounded to bfloat16 (bfloat16_bits), into out's own values (a view's too); the reference kernels that write
// bfloat16 are their float32 twins rounded by it. Throws nnlab::Error (a failure) unless the counts agree.
void round_into(const Tensor& x, Bf16Tensor& out);

}  // namespace nnlab
