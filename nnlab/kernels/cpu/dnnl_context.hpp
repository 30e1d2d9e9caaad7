// The oneDNN CPU engine and stream every fast kernel runs on (one of each per thread).
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

namespace nnlab {

dnnl::engine& cpu_engine();
dnnl::stream& cpu_stream();

}  // namespace nnlab
