// Why nnlab's GEMM is oneDNN's matmul primitive: it against dnnl_sgemm on the seed MLP's shapes.
//   build/bench/nnlab_gemm_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Each case checks its result against the reference kernel before it is timed.
#include <benchmark/benchmark.h>
#include <oneapi/dnnl/dnnl.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "nnlab/core/rng.hpp"
#include "nnlab/kernels/ops.hpp"

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

BENCHMARK(matmul_primitive)->DenseRange(0, 2)->ArgName("case")->UseRealTime();
BENCHMARK(dnnl_sgemm_call)->DenseRange(0, 2)->ArgName("case")->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
