// nnlab's oneDNN convolutions on the layers of the classic Keras CIFAR-10 CNN and of a small CIFAR ResNet,
// batch 64, each pass timed on its own:
//   build/bench/nnlab_conv_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Each case checks all three passes against the reference kernels (on a batch of 2) before it is timed, and
// names the oneDNN implementation of its pass in the label.
#include <benchmark/benchmark.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "nnlab/core/rng.hpp"
#include "nnlab/kernels/convolution.hpp"
#include "nnlab/kernels/reference/reference_kernels.hpp"
#include "nnlab/layers/spatial.hpp"

namespace {

using namespace nnlab;

struct Case {
    const char* name;
    int64_t h, w, in_c, out_c, kernel, stride;
    Padding padding;
};

const Case cases[] = {
    {"cifar_cnn_1 32x32x3-32 same", 32, 32, 3, 32, 3, 1, Padding::same},
    {"cifar_cnn_2 32x32x32-32 valid", 32, 32, 32, 32, 3, 1, Padding::valid},
    {"cifar_cnn_3 15x15x32-64 same", 15, 15, 32, 64, 3, 1, Padding::same},
    {"cifar_cnn_4 15x15x64-64 valid", 15, 15, 64, 64, 3, 1, Padding::valid},
    {"resnet_1 32x32x16-16 same", 32, 32, 16, 16, 3, 1, Padding::same},
    {"resnet_2 16x16x32-32 same", 16, 16, 32, 32, 3, 1, Padding::same},
    {"resnet_3 8x8x64-64 same", 8, 8, 64, 64, 3, 1, Padding::same},
    {"resnet_down 32x32x16-32 s2", 32, 32, 16, 32, 3, 2, Padding::same},
};
constexpr int64_t batch = 64;

ConvGeometry geometry(const Case& c, int64_t n) {
    const SpatialDims out = out_size({c.h, c.w}, {c.kernel, c.kernel}, {c.stride, c.stride}, {1, 1}, c.padding);
    return {.batch = n,
            .in_h = c.h,
            .in_w = c.w,
            .in_c = c.in_c,
            .out_h = out.height.size,
            .out_w = out.width.size,
            .out_c = c.out_c,
            .kernel_h = c.kernel,
            .kernel_w = c.kernel,
            .stride_h = c.stride,
            .stride_w = c.stride,
            .pad_top = out.height.pad_before,
            .pad_left = out.width.pad_before,
            .pad_bottom = out.height.pad_after,
            .pad_right = out.width.pad_after};
}

Tensor random(Shape shape, uint64_t seed) {
    Tensor t(std::move(shape));
    Rng rng(seed);
    for (float& v : t.values()) v = static_cast<float>(rng.uniform(-1, 1));
    return t;
}

struct Operands {
    ConvGeometry g;
    Tensor x, w, bias, y, dy, dx, dw, db;
    explicit Operands(const ConvGeometry& geometry)
        : g(geometry),
          x(random(g.input_shape(), 1)),
          w(random(g.weights_shape(), 2)),
          bias(random(Shape{g.out_c}, 3)),
          y(g.output_shape()),
          dy(random(g.output_shape(), 4)),
          dx(g.input_shape()),
          dw(g.weights_shape()),
          db(Shape{g.out_c}) {}
    void forward() { conv2d_forward(g, x, w, bias, y, false); }
    void forward_relu() { conv2d_forward(g, x, w, bias, y, true); }
    void backward_data() { conv2d_backward_data(g, dy, w, dx); }
    void backward_weights() { conv2d_backward_weights(g, x, dy, dw, db); }
};

void expect_near(const Tensor& fast, const Tensor& reference, const char* pass) {
    for (int64_t i = 0; i < reference.numel(); ++i) {
        if (std::abs(fast[i] - reference[i]) > 1e-3f * std::max(1.0f, std::abs(reference[i]))) {
            throw std::runtime_error(std::string("conv2d ") + pass + " differs from the reference");
        }
    }
}

// The fast kernels against the reference on a batch of 2 of the same layer.
void check(const Case& c) {
    Operands fast(geometry(c, 2)), slow(geometry(c, 2));
    fast.forward_relu();
    reference::conv2d_forward(slow.g, slow.x, slow.w, slow.bias, slow.y, true);
    expect_near(fast.y, slow.y, "forward_relu");
    fast.forward();
    fast.backward_data();
    fast.backward_weights();
    reference::conv2d_forward(slow.g, slow.x, slow.w, slow.bias, slow.y, false);
    reference::conv2d_backward_data(slow.g, slow.dy, slow.w, slow.dx);
    reference::conv2d_backward_weights(slow.g, slow.x, slow.dy, slow.dw, slow.db);
    expect_near(fast.y, slow.y, "forward");
    expect_near(fast.dx, slow.dx, "backward_data");
    expect_near(fast.dw, slow.dw, "backward_weights (weights)");
    expect_near(fast.db, slow.db, "backward_weights (bias)");
}

enum Pass { forward, forward_relu, backward_data, backward_weights };

void run(benchmark::State& state, Pass pass) {
    const Case& c = cases[state.range(0)];
    check(c);
    Operands ops(geometry(c, batch));
    const ConvImplementations impl = conv2d_implementations(ops.g);
    auto once = [&] {
        if (pass == forward) ops.forward();
        if (pass == forward_relu) ops.forward_relu();
        if (pass == backward_data) ops.backward_data();
        if (pass == backward_weights) ops.backward_weights();
    };
    once();  // builds the primitives
    for (auto _ : state) once();
    state.SetLabel(std::string(c.name) + " [" +
                   (pass == forward || pass == forward_relu ? impl.forward
                    : pass == backward_data                 ? impl.backward_data
                                                            : impl.backward_weights) +
                   "]");
    state.counters["GFLOP/s"] =
        benchmark::Counter(ops.g.flops(), benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

void conv_forward(benchmark::State& state) {
    run(state, forward);
}
void conv_forward_relu(benchmark::State& state) {
    run(state, forward_relu);
}
void conv_backward_data(benchmark::State& state) {
    run(state, backward_data);
}
void conv_backward_weights(benchmark::State& state) {
    run(state, backward_weights);
}

constexpr int last_case = static_cast<int>(std::size(cases)) - 1;
BENCHMARK(conv_forward)->DenseRange(0, last_case)->ArgName("layer")->UseRealTime();
BENCHMARK(conv_forward_relu)->DenseRange(0, last_case)->ArgName("layer")->UseRealTime();
BENCHMARK(conv_backward_data)->DenseRange(0, last_case)->ArgName("layer")->UseRealTime();
BENCHMARK(conv_backward_weights)->DenseRange(0, last_case)->ArgName("layer")->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
