// GEMM on the CPU through oneDNN's matmul primitive, built once per shape and reused.
//
// Why oneDNN matmul: on this machine (2 Zen 5 cores) it gave 334 GFLOP/s fp32 on the seed's
// 64×3072·3072×512 against 240 for dnnl_sgemm and 130–190 for Debian's OpenBLAS (bench/gemm).
// In bfloat16 the same primitive (brgemm avx512_core_bf16) doubles that; the products still sum in float32.
#include <map>
#include <string>
#include <tuple>

#include <oneapi/dnnl/dnnl.hpp>

#include "nnlab/core/error.hpp"
#include "nnlab/core/threads.hpp"
#include "nnlab/kernels/cpu/cpu_backend.hpp"
#include "nnlab/kernels/cpu/dnnl_context.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

using dnnl::memory;

struct GemmKey {
    int64_t m, n, k;
    bool trans_a, trans_b, accumulate, bf16;
    int threads;  // oneDNN splits the work for the threads it sees when it creates a primitive
    auto operator<=>(const GemmKey&) const = default;
};

struct GemmPrimitive {
    dnnl::matmul matmul;
    memory a, b, c;
};

dnnl::matmul::primitive_desc gemm_descriptor(const GemmKey& key) {
    const memory::data_type operand = key.bf16 ? memory::data_type::bf16 : memory::data_type::f32;
    const memory::dims a_strides = key.trans_a ? memory::dims{1, key.m} : memory::dims{key.k, 1};
    const memory::dims b_strides = key.trans_b ? memory::dims{1, key.k} : memory::dims{key.n, 1};
    const memory::desc a_md({key.m, key.k}, operand, a_strides);
    const memory::desc b_md({key.k, key.n}, operand, b_strides);
    const memory::desc c_md({key.m, key.n}, memory::data_type::f32, memory::dims{key.n, 1});
    dnnl::primitive_attr attr;
    if (key.accumulate) {
        dnnl::post_ops ops;
        ops.append_sum(1.0f);
        attr.set_post_ops(ops);
    }
    return {dnnl::matmul::desc(a_md, b_md, c_md), attr, cpu_engine()};
}

GemmPrimitive make_gemm(const GemmKey& key) {
    const dnnl::matmul::primitive_desc pd = gemm_descriptor(key);
    const dnnl::engine& engine = cpu_engine();
    return {dnnl::matmul(pd), memory(pd.src_desc(), engine, DNNL_MEMORY_NONE),
            memory(pd.weights_desc(), engine, DNNL_MEMORY_NONE), memory(pd.dst_desc(), engine, DNNL_MEMORY_NONE)};
}

void run_gemm(const GemmKey& key, const void* a, const void* b, float* c) {
    // Each thread keeps its own primitives, so callers need no lock.
    thread_local std::map<GemmKey, GemmPrimitive> cache;
    auto it = cache.find(key);
    if (it == cache.end()) it = cache.emplace(key, make_gemm(key)).first;
    GemmPrimitive& p = it->second;
    p.a.set_data_handle(const_cast<void*>(a));
    p.b.set_data_handle(const_cast<void*>(b));
    p.c.set_data_handle(c);
    dnnl::stream& stream = cpu_stream();
    p.matmul.execute(stream, {{DNNL_ARG_SRC, p.a}, {DNNL_ARG_WEIGHTS, p.b}, {DNNL_ARG_DST, p.c}});
    stream.wait();
}

}  // namespace

void CpuBackend::gemm(const Tensor& a, const Tensor& b, Tensor& c, GemmOptions options) {
    const auto [m, n, k] = check_gemm(a, b, c, options);
    run_gemm({m, n, k, options.trans_a, options.trans_b, options.accumulate, false, thread_count()}, a.data(), b.data(),
             c.data());
}

void CpuBackend::gemm(const Bf16Tensor& a, const Bf16Tensor& b, Tensor& c, GemmOptions options) {
    const auto [m, n, k] = check_gemm(a.shape(), b.shape(), c.shape(), options);
    run_gemm({m, n, k, options.trans_a, options.trans_b, options.accumulate, true, thread_count()}, a.data(), b.data(),
             c.data());
}

std::string gemm_implementation(int64_t m, int64_t n, int64_t k, GemmOptions options, bool bfloat16) {
    return gemm_descriptor({m, n, k, options.trans_a, options.trans_b, options.accumulate, bfloat16, thread_count()})
        .impl_info_str();
}

void CpuBackend::convert_to_bfloat16(const Tensor& x, Bf16Tensor& out) {
    out.resize(x.shape());
    const float* in = x.data();
    uint16_t* o = out.data();
    const int64_t n = x.numel();
#pragma omp parallel for simd schedule(static) if (n >= (1 << 16))
    for (int64_t i = 0; i < n; ++i) o[i] = bfloat16_bits(in[i]);
}

void CpuBackend::convert_from_bfloat16(const Bf16Tensor& x, Tensor& out) {
    if (out.shape() != x.shape())
        throw Error("convert_from_bfloat16: x is " + x.shape().to_string() + ", out " + out.shape().to_string(),
                    ErrorKind::failure);
    const uint16_t* in = x.data();
    float* o = out.data();
    const int64_t n = x.numel();
#pragma omp parallel for simd schedule(static) if (n >= (1 << 16))
    for (int64_t i = 0; i < n; ++i) o[i] = float_from_bfloat16(in[i]);
}

bool bfloat16_supported() {
    // The effective ISA is capped by DNNL_MAX_CPU_ISA, so a user can also turn bfloat16 off by environment.
    const dnnl::cpu_isa isa = dnnl::get_effective_cpu_isa();
    return (static_cast<unsigned>(isa) & static_cast<unsigned>(dnnl::cpu_isa::avx512_core_bf16)) ==
           static_cast<unsigned>(dnnl::cpu_isa::avx512_core_bf16);
}

}  // namespace nnlab
