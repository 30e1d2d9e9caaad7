// The oneDNN CPU engine and stream every fast kernel runs on (one of each per thread).
#include "nnlab/kernels/cpu/dnnl_context.hpp"

namespace nnlab {

dnnl::engine& cpu_engine() {
    thread_local dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    return engine;
}

dnnl::stream& cpu_stream() {
    thread_local dnnl::stream stream(cpu_engine());
    return stream;
}

}  // namespace nnlab
