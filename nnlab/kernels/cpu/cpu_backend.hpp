// CpuBackend — the kernels on the CPU: oneDNN's primitives (GEMM, convolution, pooling, batch norm, the
// activations that need exp, erf or tanh), built once per shape and thread count and reused, and vectorised
// OpenMP loops for the rest, each chosen by measurement (docs/measurements.md). Its methods are defined beside
// their kin in kernels/cpu/*.cpp.
#pragma once

#include "nnlab/kernels/backend.hpp"

namespace nnlab {

class CpuBackend final : public Backend {
public:
    Device device() const override { return Device::cpu; }
    std::string name() const override;

    NNLAB_KERNELS(NNLAB_OVERRIDE_KERNEL)
};

}  // namespace nnlab
