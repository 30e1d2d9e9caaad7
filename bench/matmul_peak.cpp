#include "bench/matmul_peak.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include <dnnl.hpp>

#include "nnlab/core/rng.hpp"
#include "nnlab/tensor/bf16_tensor.hpp"

namespace nnlab::bench {

double measure_matmul_peak_gflops(Precision precision) {
    constexpr int64_t size = 4096;
    constexpr int repeats = 7;
    using dt = dnnl::memory::data_type;
    using tag = dnnl::memory::format_tag;
    const dt operands = precision == Precision::bfloat16 ? dt::bf16 : dt::f32;
    const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    const dnnl::memory::desc a({size, size}, operands, tag::ab), b({size, size}, operands, tag::any),
        c({size, size}, dt::f32, tag::ab);
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), engine);
    dnnl::memory a_memory(a, engine), b_memory(pd.weights_desc(), engine), c_memory(c, engine);
    // Values as training's, in [-1, 1): a matmul of zeros draws less power and ran 3-4% faster here (2026-12-06).
    Rng rng(1, "matmul peak");
    for (dnnl::memory* m : {&a_memory, &b_memory}) {
        const size_t count = m->get_desc().get_size() / (operands == dt::bf16 ? 2 : 4);
        auto* data = m->get_data_handle();
        for (size_t i = 0; i < count; ++i) {
            const float value = static_cast<float>(rng.uniform(-1.0, 1.0));
            if (operands == dt::bf16)
                static_cast<uint16_t*>(data)[i] = bfloat16_bits(value);
            else
                static_cast<float*>(data)[i] = value;
        }
    }
    const dnnl::matmul matmul(pd);
    std::vector<double> seconds;
    for (int r = 0; r <= repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        matmul.execute(stream, {{DNNL_ARG_SRC, a_memory}, {DNNL_ARG_WEIGHTS, b_memory}, {DNNL_ARG_DST, c_memory}});
        stream.wait();
        if (r > 0)  // the first creates the kernels and touches the memory
            seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::nth_element(seconds.begin(), seconds.begin() + repeats / 2, seconds.end());
    return 2.0 * double(size) * double(size) * double(size) / seconds[repeats / 2] / 1e9;
}

}  // namespace nnlab::bench
