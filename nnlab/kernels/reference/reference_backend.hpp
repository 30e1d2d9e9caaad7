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

}  // namespace nnlab
