// The backends by device: the one place a kernel call is routed to the code that runs it.
#include "nnlab/kernels/backend.hpp"

#include "nnlab/kernels/cpu/cpu_backend.hpp"
#include "nnlab/kernels/reference/reference_backend.hpp"

namespace nnlab {

Backend& backend(Device device) {
    static CpuBackend cpu;
    switch (device) {
        case Device::cpu:
            break;
    }
    return cpu;
}

Backend& reference_backend() {
    static ReferenceBackend reference;
    return reference;
}

}  // namespace nnlab
