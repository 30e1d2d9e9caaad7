// CpuBackend — what it is, for reports.
#include "nnlab/kernels/cpu/cpu_backend.hpp"

#include <oneapi/dnnl/dnnl.hpp>

namespace nnlab {

std::string CpuBackend::name() const {
    const dnnl_version_t* v = dnnl_version();
    return "cpu: oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) +
           " and OpenMP loops";
}

}  // namespace nnlab
