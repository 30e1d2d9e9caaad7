// Why nnlab's GEMM is oneDNN's matmul primitive: it against dnnl_sgemm on the seed MLP's shapes, and the
// forward product with prepacked (blocked) weights beside what the packing costs.
//   build/bench/nnlab_gemm_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Each case checks its result against the reference kernel before it is timed.
#include <benchmark/benchmark.h>
#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

#include "nnlab/core/rng.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/kernels/reference/reference_kernels.hpp"

namespace {

using namespace nnlab;

struct Case {
    int64_t m, n, k;
    bool trans_a, trans_b;
};

// The seed step's three GEMMs for its first layer (batch 64, 3072 → 512): forward, dW, dx.
const Case cases[] = {
    {64, 512, 3072, false, false},  // y = x·W
    {3072, 512, 64, true, false},   // dW = xᵀ·dy
    {64, 3072, 512, false, true},   // dx = dy·Wᵀ
};

Tensor random(Shape shape, uint64_t seed) {
    Tensor t(std::move(shape));
    Rng rng(seed);
    for (float& v : t.values()) v = static_cast<float>(rng.uniform(-1, 1));
    return t;
}

struct Operands {
    Tensor a, b, c;
    explicit Operands(const Case& c_)
        : a(random(c_.trans_a ? Shape{c_.k, c_.m} : Shape{c_.m, c_.k}, 1)),
          b(random(c_.trans_b ? Shape{c_.n, c_.k} : Shape{c_.k, c_.n}, 2)),
          c(Shape{c_.m, c_.n}) {}
};

void check(const Case& cs, const Tensor& result, const Operands& ops) {
    Tensor expected(Shape{cs.m, cs.n});
    reference::gemm(ops.a, ops.b, expected, {.trans_a = cs.trans_a, .trans_b = cs.trans_b});
    for (int64_t i = 0; i < expected.numel(); i += 97) {
        if (std::abs(result[i] - expected[i]) > 1e-3f * std::max(1.0f, std::abs(expected[i]))) {
            throw std::runtime_error("gemm result differs from the reference");
        }
    }
}

void report(benchmark::State& state, const Case& cs) {
    state.counters["GFLOP/s"] = benchmark::Counter(
        2.0 * cs.m * cs.n * cs.k, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

void matmul_primitive(benchmark::State& state) {
    const Case& cs = cases[state.range(0)];
    Operands ops(cs);
    gemm(ops.a, ops.b, ops.c, {.trans_a = cs.trans_a, .trans_b = cs.trans_b});
    check(cs, ops.c, ops);
    for (auto _ : state) gemm(ops.a, ops.b, ops.c, {.trans_a = cs.trans_a, .trans_b = cs.trans_b});
    report(state, cs);
}

void dnnl_sgemm_call(benchmark::State& state) {
    const Case& cs = cases[state.range(0)];
    Operands ops(cs);
    auto run = [&] {
        dnnl_sgemm(cs.trans_a ? 'T' : 'N', cs.trans_b ? 'T' : 'N', cs.m, cs.n, cs.k, 1.0f, ops.a.data(),
                   cs.trans_a ? cs.m : cs.k, ops.b.data(), cs.trans_b ? cs.k : cs.n, 0.0f, ops.c.data(), cs.n);
    };
    run();
    check(cs, ops.c, ops);
    for (auto _ : state) run();
    report(state, cs);
}

// The forward product with the kernel in the layout oneDNN picks for it (format_tag::any: blocked,
// prepacked), and what re-packing the kernel costs. nnlab keeps plain row-major weights: the optimizer
// changes them every step, so the packing would be paid every step (README, "Where the seed MLP's step goes").
struct BlockedForward {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
    dnnl::memory::desc x_md, w_plain_md, y_md;
    dnnl::matmul::primitive_desc pd;
    dnnl::memory x, w_plain, w_blocked, y;

    BlockedForward(const Case& cs, Operands& ops)
        : x_md({cs.m, cs.k}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::ab),
          w_plain_md({cs.k, cs.n}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::ab),
          y_md({cs.m, cs.n}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::ab),
          pd(dnnl::matmul::desc(
                 x_md, dnnl::memory::desc({cs.k, cs.n}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::any),
                 y_md),
             engine),
          x(x_md, engine, ops.a.data()),
          w_plain(w_plain_md, engine, ops.b.data()),
          w_blocked(pd.weights_desc(), engine),
          y(y_md, engine, ops.c.data()) {}
    void pack() {
        dnnl::reorder(w_plain, w_blocked).execute(stream, w_plain, w_blocked);
        stream.wait();
    }
    void multiply(const dnnl::matmul& matmul) {
        matmul.execute(stream, {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, w_blocked}, {DNNL_ARG_DST, y}});
        stream.wait();
    }
};

void matmul_blocked_weights(benchmark::State& state) {
    const Case& cs = cases[0];
    Operands ops(cs);
    BlockedForward blocked(cs, ops);
    blocked.pack();
    const dnnl::matmul matmul(blocked.pd);
    blocked.multiply(matmul);
    check(cs, ops.c, ops);
    for (auto _ : state) blocked.multiply(matmul);
    report(state, cs);
}

void pack_weights(benchmark::State& state) {
    Operands ops(cases[0]);
    BlockedForward blocked(cases[0], ops);
    for (auto _ : state) blocked.pack();
}

BENCHMARK(matmul_primitive)->DenseRange(0, 2)->ArgName("case")->UseRealTime();
BENCHMARK(dnnl_sgemm_call)->DenseRange(0, 2)->ArgName("case")->UseRealTime();
BENCHMARK(matmul_blocked_weights)->UseRealTime();
BENCHMARK(pack_weights)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
