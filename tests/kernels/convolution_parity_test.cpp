// The oneDNN convolutions against the reference loops on odd shapes, all three passes; hand-computed reference
// values; and the checks both implementations share.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/core/rng.hpp"
#include "nnlab/kernels/convolution.hpp"
#include "nnlab/kernels/cpu/convolution_lowered.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/kernels/reference/reference_kernels.hpp"
#include "nnlab/layers/spatial.hpp"  // the Keras padding rule, to build realistic geometries
#include "tests/support/parity.hpp"
#include "tests/support/random_tensor.hpp"

namespace nnlab {
namespace {

using nnlab::testing::expect_close;
using nnlab::testing::random_tensor;

// The geometry a Keras layer would build for an (N, H, W, C) batch.
ConvGeometry keras_geometry(Shape input, int64_t out_c, int64_t kernel, int64_t stride, int64_t dilation,
                            Padding padding, int64_t groups = 1) {
    const SpatialDims out =
        out_size({input[1], input[2]}, {kernel, kernel}, {stride, stride}, {dilation, dilation}, padding);
    return {.batch = input[0],
            .in_h = input[1],
            .in_w = input[2],
            .in_c = input[3],
            .out_h = out.height.size,
            .out_w = out.width.size,
            .out_c = out_c,
            .kernel_h = kernel,
            .kernel_w = kernel,
            .stride_h = stride,
            .stride_w = stride,
            .dilation_h = dilation,
            .dilation_w = dilation,
            .pad_top = out.height.pad_before,
            .pad_left = out.width.pad_before,
            .pad_bottom = out.height.pad_after,
            .pad_right = out.width.pad_after,
            .groups = groups};
}

// Runs all three passes both ways; the weight and bias gradients start from the same non-zero values, so the
// comparison also shows that backward_weights adds into them.
void expect_parity(const ConvGeometry& g, bool with_bias) {
    const std::string what = g.input_shape().to_string() + " → " + g.output_shape().to_string() + " kernel " +
                             std::to_string(g.kernel_h) + " stride " + std::to_string(g.stride_h) + " dilation " +
                             std::to_string(g.dilation_h) + " groups " + std::to_string(g.groups) +
                             (with_bias ? " with bias" : "");
    const Tensor x = random_tensor(g.input_shape(), 1);
    const Tensor w = random_tensor(g.weights_shape(), 2);
    const Tensor bias = with_bias ? random_tensor(Shape{g.out_c}, 3) : Tensor();
    const Tensor dy = random_tensor(g.output_shape(), 4);
    const double tolerance = 1e-5 * std::sqrt(double(g.kernel_h * g.kernel_w * g.in_c + g.batch * g.out_h * g.out_w));

    Tensor y_fast = random_tensor(g.output_shape(), 5), y_reference(g.output_shape());
    conv2d_forward(g, x, w, bias, y_fast, false);
    reference::conv2d_forward(g, x, w, bias, y_reference, false);
    expect_close(y_fast, y_reference, tolerance, "forward " + what);

    // The fused relu: the same convolution clamped at zero (random weights give both signs).
    Tensor y_relu_fast = random_tensor(g.output_shape(), 9), y_relu_reference(g.output_shape());
    conv2d_forward(g, x, w, bias, y_relu_fast, true);
    reference::conv2d_forward(g, x, w, bias, y_relu_reference, true);
    expect_close(y_relu_fast, y_relu_reference, tolerance, "forward_relu " + what);
    for (int64_t i = 0; i < y_reference.numel(); ++i) {
        ASSERT_EQ(y_relu_reference[i], std::max(y_reference[i], 0.0f)) << "forward_relu " << what << " at " << i;
    }

    Tensor dx_fast = random_tensor(g.input_shape(), 6), dx_reference(g.input_shape());
    conv2d_backward_data(g, dy, w, dx_fast);
    reference::conv2d_backward_data(g, dy, w, dx_reference);
    expect_close(dx_fast, dx_reference, tolerance, "backward_data " + what);

    Tensor dw_fast = random_tensor(g.weights_shape(), 7), dw_reference = dw_fast.clone();
    Tensor db_fast = with_bias ? random_tensor(Shape{g.out_c}, 8) : Tensor();
    Tensor db_reference = with_bias ? db_fast.clone() : Tensor();
    const Tensor dw_before = dw_fast.clone();
    conv2d_backward_weights(g, x, dy, dw_fast, db_fast);
    reference::conv2d_backward_weights(g, x, dy, dw_reference, db_reference);
    expect_close(dw_fast, dw_reference, tolerance, "backward_weights dw " + what);
    if (with_bias) expect_close(db_fast, db_reference, tolerance, "backward_weights db " + what);
    // A second call adds the same gradient again (and uses the cached primitives).
    conv2d_backward_weights(g, x, dy, dw_fast, db_fast);
    reference::conv2d_backward_weights(g, x, dy, dw_reference, db_reference);
    expect_close(dw_fast, dw_reference, tolerance, "backward_weights dw, second call " + what);
    double moved = 0.0;
    for (int64_t i = 0; i < dw_fast.numel(); ++i) moved += std::abs(dw_fast[i] - dw_before[i]);
    EXPECT_GT(moved, 0.0) << what;
}

class ConvolutionParity : public ::testing::TestWithParam<std::tuple<int, int, Padding>> {};

TEST_P(ConvolutionParity, AllPassesMatchReference) {
    const auto [kernel, stride, padding] = GetParam();
    const ConvGeometry g = keras_geometry(Shape{3, 7, 5, 3}, 5, kernel, stride, 1, padding);
    expect_parity(g, true);
    expect_parity(g, false);
}

std::string case_name(const ::testing::TestParamInfo<std::tuple<int, int, Padding>>& param_info) {
    const auto& [kernel, stride, padding] = param_info.param;
    return "kernel" + std::to_string(kernel) + "_stride" + std::to_string(stride) + "_" + padding_name(padding);
}

INSTANTIATE_TEST_SUITE_P(OddShapes, ConvolutionParity,
                         ::testing::Combine(::testing::Values(1, 3, 5), ::testing::Values(1, 2),
                                            ::testing::Values(Padding::same, Padding::valid)),
                         case_name);

TEST(ConvolutionParity, DilatedAndAsymmetric) {
    expect_parity(keras_geometry(Shape{3, 7, 5, 3}, 5, 3, 1, 2, Padding::same), true);
    expect_parity(keras_geometry(Shape{3, 7, 5, 3}, 5, 2, 1, 2, Padding::valid), true);
    // A kernel of different height and width, with the odd padding pixel at the bottom/right.
    ConvGeometry g = keras_geometry(Shape{3, 7, 5, 3}, 5, 1, 2, 1, Padding::same);
    const SpatialDims out = out_size({7, 5}, {4, 3}, {2, 1}, {1, 1}, Padding::same);
    g.kernel_h = 4, g.kernel_w = 3, g.stride_w = 1;
    g.out_h = out.height.size, g.out_w = out.width.size;
    g.pad_top = out.height.pad_before, g.pad_bottom = out.height.pad_after;
    g.pad_left = out.width.pad_before, g.pad_right = out.width.pad_after;
    expect_parity(g, true);
}

TEST(ConvolutionParity, DepthwiseAndGrouped) {
    for (int stride : {1, 2}) {
        for (Padding padding : {Padding::same, Padding::valid}) {
            expect_parity(keras_geometry(Shape{3, 7, 5, 3}, 6, 3, stride, 1, padding, 3), true);  // multiplier 2
            expect_parity(keras_geometry(Shape{3, 7, 5, 3}, 3, 5, stride, 1, padding, 3), false);
        }
    }
    expect_parity(keras_geometry(Shape{2, 6, 5, 16}, 16, 3, 1, 1, Padding::same, 16), true);
    expect_parity(keras_geometry(Shape{2, 6, 5, 4}, 6, 3, 1, 1, Padding::same, 2), true);  // two groups
}

TEST(ConvolutionParity, TypicalLayersRunOptimisedImplementations) {
    // 3×3 "same" convolutions of the CIFAR models; a reference implementation there would cost 10–100×.
    for (const ConvGeometry& g : {keras_geometry(Shape{8, 32, 32, 3}, 32, 3, 1, 1, Padding::same),
                                  keras_geometry(Shape{8, 16, 16, 32}, 32, 3, 1, 1, Padding::same),
                                  keras_geometry(Shape{8, 32, 32, 16}, 16, 3, 1, 1, Padding::same, 16)}) {
        const ConvImplementations impl = conv2d_implementations(g);
        for (const std::string& name : {impl.forward, impl.backward_data, impl.backward_weights}) {
            EXPECT_EQ(name.find("ref"), std::string::npos) << name << " for " << g.input_shape().to_string();
        }
    }
}

// In bfloat16 both implementations round x, w and dy the same way and sum exactly-representable products, so
// only the order of the float32 sums differs: the float32 tolerance holds.
TEST(ConvolutionParity, Bfloat16PassesMatchReference) {
    if (!bfloat16_supported()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
    for (ConvGeometry g : {keras_geometry(Shape{3, 7, 5, 3}, 5, 3, 1, 1, Padding::same),
                           keras_geometry(Shape{3, 7, 5, 3}, 5, 3, 2, 1, Padding::valid),
                           keras_geometry(Shape{2, 6, 5, 17}, 33, 1, 1, 1, Padding::same),
                           keras_geometry(Shape{2, 6, 5, 16}, 16, 3, 1, 1, Padding::same, 16)}) {
        g.bfloat16 = true;
        expect_parity(g, true);
        expect_parity(g, false);
    }
}

// The overloads that take x or dy already rounded run the same primitives on the same bits as the ones that round
// them on the way in, so they agree exactly.
// Both for the direct oneDNN passes and for the lowered ones (a layer of 64 channels: convolution_lowered.hpp).
void expect_rounded_operands_give_the_same_results(ConvGeometry g) {
    g.bfloat16 = true;
    const Tensor x = random_tensor(g.input_shape(), 1), w = random_tensor(g.weights_shape(), 2);
    const Tensor bias = random_tensor(Shape{g.out_c}, 3), dy = random_tensor(g.output_shape(), 4);
    Bf16Tensor x16, dy16;
    convert_to_bfloat16(x, x16);
    convert_to_bfloat16(dy, dy16);
    auto expect_same = [](const Tensor& a, const Tensor& b, const char* what) {
        for (int64_t i = 0; i < a.numel(); ++i) ASSERT_EQ(a[i], b[i]) << what << " at " << i;
    };
    Tensor y(g.output_shape()), y_rounded(g.output_shape()), y_reference(g.output_shape());
    conv2d_forward(g, x, w, bias, y, false);
    conv2d_forward(g, x16, w, bias, y_rounded, false);
    expect_same(y, y_rounded, "forward");
    reference::conv2d_forward(g, x16, w, bias, y_reference, false);
    expect_close(y_rounded, y_reference, 1e-4, "forward against the reference");
    conv2d_forward(g, x, w, bias, y, true);
    conv2d_forward(g, x16, w, bias, y_rounded, true);
    expect_same(y, y_rounded, "forward_relu");
    reference::conv2d_forward(g, x16, w, bias, y_reference, true);
    expect_close(y_rounded, y_reference, 1e-4, "forward_relu against the reference");

    Tensor dx(g.input_shape()), dx_rounded(g.input_shape()), dx_reference(g.input_shape());
    conv2d_backward_data(g, dy, w, dx);
    conv2d_backward_data(g, dy16, w, dx_rounded);
    expect_same(dx, dx_rounded, "backward_data");
    reference::conv2d_backward_data(g, dy16, w, dx_reference);
    expect_close(dx_rounded, dx_reference, 1e-4, "backward_data against the reference");

    Tensor dw(g.weights_shape()), dw_rounded(g.weights_shape()), dw_reference(g.weights_shape());
    Tensor db(Shape{g.out_c}), db_rounded(Shape{g.out_c}), db_reference(Shape{g.out_c});
    conv2d_backward_weights(g, x, dy, dw, db);
    conv2d_backward_weights(g, x16, dy16, dw_rounded, db_rounded);
    expect_same(dw, dw_rounded, "backward_weights dw");
    expect_same(db, db_rounded, "backward_weights db");
    reference::conv2d_backward_weights(g, x16, dy16, dw_reference, db_reference);
    expect_close(dw_rounded, dw_reference, 1e-4, "backward_weights dw against the reference");
    expect_close(db_rounded, db_reference, 1e-4, "backward_weights db against the reference");

    // Rounded operands make no sense for a float32 convolution: both implementations refuse them.
    g.bfloat16 = false;
    EXPECT_THROW(conv2d_forward(g, x16, w, bias, y, false), Error);
    EXPECT_THROW(reference::conv2d_backward_data(g, dy16, w, dx), Error);
}

TEST(ConvolutionParity, Bfloat16RoundedOperandsGiveTheSameResults) {
    if (!bfloat16_supported()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
    expect_rounded_operands_give_the_same_results(keras_geometry(Shape{3, 7, 5, 17}, 33, 3, 2, 1, Padding::same));
    expect_rounded_operands_give_the_same_results(keras_geometry(Shape{2, 8, 7, 64}, 128, 3, 1, 1, Padding::same));
}

// The lowered passes (kernels/cpu/convolution_lowered.hpp): backward-weights, and forward where the output is at
// most 3×3, as matmuls over im2col in chunks of 2,048 output rows (the 1×1 kernels have a short last chunk: 2,352
// and 2,070 rows), and backward-data as the forward of the flipped kernel, which needs its padding mirrored
// (asymmetric "same" of an even kernel, dilation).
TEST(ConvolutionParity, Bfloat16LoweredPassesMatchReference) {
    if (!bfloat16_supported()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
    std::vector<ConvGeometry> geometries = {keras_geometry(Shape{3, 28, 28, 64}, 128, 1, 1, 1, Padding::same),
                                            keras_geometry(Shape{2, 9, 11, 64}, 128, 3, 1, 1, Padding::valid),
                                            keras_geometry(Shape{2, 9, 11, 64}, 128, 3, 1, 2, Padding::same),
                                            keras_geometry(Shape{2, 9, 11, 64}, 128, 3, 2, 1, Padding::same),
                                            keras_geometry(Shape{2, 3, 3, 64}, 128, 3, 1, 1, Padding::same),
                                            keras_geometry(Shape{230, 3, 3, 64}, 128, 1, 1, 1, Padding::same)};
    ConvGeometry uneven = keras_geometry(Shape{2, 9, 11, 64}, 128, 1, 1, 1, Padding::same);
    const SpatialDims out = out_size({9, 11}, {4, 3}, {1, 1}, {1, 1}, Padding::same);
    uneven.kernel_h = 4, uneven.kernel_w = 3;
    uneven.out_h = out.height.size, uneven.out_w = out.width.size;
    uneven.pad_top = out.height.pad_before, uneven.pad_bottom = out.height.pad_after;
    uneven.pad_left = out.width.pad_before, uneven.pad_right = out.width.pad_after;
    geometries.push_back(uneven);
    for (ConvGeometry g : geometries) {
        g.bfloat16 = true;
        const ConvImplementations impl = conv2d_implementations(g);
        EXPECT_TRUE(impl.backward_weights.starts_with("matmul over im2col")) << impl.backward_weights;
        EXPECT_EQ(impl.forward.starts_with("matmul over im2col"), g.out_h * g.out_w <= 9) << impl.forward;
        // Stride 2 has no flipped forward, nor has an input under 7×7: their backward-data stays oneDNN's own.
        EXPECT_EQ(impl.backward_data.starts_with("forward of the flipped kernel"), g.stride_h == 1 && g.in_h >= 7)
            << impl.backward_data;
        expect_parity(g, true);
        expect_parity(g, false);
    }
}

// The flipped kernel and geometry alone, in float32 and on the reference: its forward is g's backward-data. Channel
// counts of 3 → 17 and 20 → 37 leave partial 16 × 16 tiles in flip_kernel's transpose; the kernels are uneven and the
// padding asymmetric, so a flip along the wrong axis or unmirrored padding shows.
TEST(ConvolutionParity, FlippedKernelForwardIsTheBackwardData) {
    for (const auto& [input, out_c] :
         {std::pair{Shape{2, 7, 9, 3}, int64_t{17}}, std::pair{Shape{1, 8, 6, 20}, int64_t{37}}}) {
        ConvGeometry g = keras_geometry(input, out_c, 1, 1, 1, Padding::same);
        const SpatialDims out = out_size({input[1], input[2]}, {4, 3}, {1, 1}, {1, 2}, Padding::same);
        g.kernel_h = 4, g.kernel_w = 3, g.dilation_w = 2;
        g.out_h = out.height.size, g.out_w = out.width.size;
        g.pad_top = out.height.pad_before, g.pad_bottom = out.height.pad_after;
        g.pad_left = out.width.pad_before, g.pad_right = out.width.pad_after;
        const Tensor w = random_tensor(g.weights_shape(), 11), dy = random_tensor(g.output_shape(), 12);
        Tensor flipped;
        flip_kernel(g, w, flipped);
        const ConvGeometry f = flipped_geometry(g);
        ASSERT_EQ(f.output_shape(), g.input_shape());
        Tensor dx_flipped(g.input_shape()), dx_reference(g.input_shape());
        reference::conv2d_forward(f, dy, flipped, Tensor(), dx_flipped, false);
        reference::conv2d_backward_data(g, dy, w, dx_reference);
        expect_close(dx_flipped, dx_reference, 1e-5, "flipped forward of " + g.input_shape().to_string());
    }
}

// airbench's layers (batch 1024) and resnet_small's (512) take the lowered passes where they were measured faster,
// and only there.
TEST(ConvolutionParity, Bfloat16LoweringFollowsTheMeasurements) {
    if (!bfloat16_supported()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
    struct Expected {
        Shape input;
        int64_t out_c;
        bool matmul_forward, matmul_weights, flipped_data;
    };
    for (const Expected& e : {Expected{Shape{1024, 31, 31, 24}, 64, false, false, false},
                              Expected{Shape{1024, 15, 15, 64}, 64, false, false, true},
                              Expected{Shape{1024, 15, 15, 64}, 256, false, true, true},
                              Expected{Shape{1024, 7, 7, 256}, 256, false, true, true},
                              Expected{Shape{1024, 3, 3, 256}, 256, true, true, false},
                              Expected{Shape{512, 16, 16, 80}, 80, false, false, true},
                              Expected{Shape{512, 16, 16, 80}, 160, false, false, true},
                              Expected{Shape{512, 8, 8, 160}, 320, false, false, true},
                              Expected{Shape{512, 4, 4, 320}, 320, false, true, false}}) {
        ConvGeometry g = keras_geometry(e.input, e.out_c, 3, 1, 1, Padding::same);
        g.bfloat16 = true;
        const ConvImplementations impl = conv2d_implementations(g);
        EXPECT_EQ(impl.forward.starts_with("matmul over im2col"), e.matmul_forward) << impl.forward;
        EXPECT_EQ(impl.backward_weights.starts_with("matmul over im2col"), e.matmul_weights) << impl.backward_weights;
        EXPECT_EQ(impl.backward_data.starts_with("forward of the flipped kernel"), e.flipped_data)
            << impl.backward_data;
        for (const std::string& name : {impl.forward, impl.backward_data, impl.backward_weights})
            EXPECT_NE(name.find("bf16"), std::string::npos) << name;
        g.bfloat16 = false;  // float32 keeps oneDNN's own passes
        EXPECT_FALSE(conv2d_implementations(g).backward_weights.starts_with("matmul"));
        EXPECT_FALSE(conv2d_implementations(g).forward.starts_with("matmul"));
    }
}

TEST(ConvolutionParity, Bfloat16RoundsTheOperands) {
    if (!bfloat16_supported()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
    ConvGeometry g = keras_geometry(Shape{2, 6, 5, 8}, 4, 3, 1, 1, Padding::same);
    const Tensor x = random_tensor(g.input_shape(), 1), w = random_tensor(g.weights_shape(), 2);
    Tensor exact(g.output_shape()), rounded(g.output_shape());
    conv2d_forward(g, x, w, Tensor(), exact, false);
    g.bfloat16 = true;
    conv2d_forward(g, x, w, Tensor(), rounded, false);
    double worst = 0.0;
    for (int64_t i = 0; i < exact.numel(); ++i) worst = std::max(worst, std::abs(double(exact[i]) - rounded[i]));
    EXPECT_GT(worst, 1e-4) << "the bfloat16 convolution gave the float32 result";
    EXPECT_LT(worst, 0.05);  // 72 products of values ≤ 1, each off by about 2⁻⁸
}

TEST(ConvolutionParity, Bfloat16TypicalLayersRunBfloat16Kernels) {
    if (!bfloat16_supported()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
    for (ConvGeometry g : {keras_geometry(Shape{8, 32, 32, 3}, 32, 3, 1, 1, Padding::same),
                           keras_geometry(Shape{8, 16, 16, 32}, 32, 3, 1, 1, Padding::same)}) {
        g.bfloat16 = true;
        const ConvImplementations impl = conv2d_implementations(g);
        for (const std::string& name : {impl.forward, impl.backward_data, impl.backward_weights}) {
            EXPECT_EQ(name.find("ref"), std::string::npos) << name << " for " << g.input_shape().to_string();
            EXPECT_NE(name.find("bf16"), std::string::npos) << name << " for " << g.input_shape().to_string();
        }
    }
}

TEST(ReferenceConvolution, ForwardReluClampsTheConvolution) {
    // x = [1 2; 3 4], w = [1 −1] as a 1×2 kernel, valid, bias 0.5: z = [−0.5, −0.5]; bias 1.5: z = [0.5, 0.5].
    const ConvGeometry g{
        .batch = 1, .in_h = 2, .in_w = 2, .in_c = 1, .out_h = 2, .out_w = 1, .out_c = 1, .kernel_h = 1, .kernel_w = 2};
    Tensor x(g.input_shape()), w(g.weights_shape()), y(g.output_shape()), bias(Shape{1});
    for (int i = 0; i < 4; ++i) x[i] = float(i + 1);
    w[0] = 1, w[1] = -1, bias[0] = 0.5f;
    reference::conv2d_forward(g, x, w, bias, y, true);
    EXPECT_EQ(y[0], 0.0f);
    EXPECT_EQ(y[1], 0.0f);
    bias[0] = 1.5f;
    reference::conv2d_forward(g, x, w, bias, y, true);
    EXPECT_EQ(y[0], 0.5f);
    EXPECT_EQ(y[1], 0.5f);
}

TEST(ReferenceConvolution, HandComputedPasses) {
    // x = [1 2; 3 4] (one channel), w = [1 −1] as a 1×2 kernel, valid: y = [1 − 2, 3 − 4].
    const ConvGeometry g{
        .batch = 1, .in_h = 2, .in_w = 2, .in_c = 1, .out_h = 2, .out_w = 1, .out_c = 1, .kernel_h = 1, .kernel_w = 2};
    Tensor x(g.input_shape()), w(g.weights_shape()), y(g.output_shape()), bias(Shape{1});
    for (int i = 0; i < 4; ++i) x[i] = float(i + 1);
    w[0] = 1, w[1] = -1, bias[0] = 10;
    reference::conv2d_forward(g, x, w, bias, y, false);
    EXPECT_EQ(y[0], 9.0f);
    EXPECT_EQ(y[1], 9.0f);
    // dy = [1, 2]: dx = [1·1, 1·(−1); 2·1, 2·(−1)]; dw = [1·1 + 2·3, 1·2 + 2·4] added to 0.5; db = 3 + 0.5.
    Tensor dy(g.output_shape()), dx(g.input_shape()), dw(g.weights_shape()), db(Shape{1});
    dy[0] = 1, dy[1] = 2;
    dw.fill(0.5f);
    db.fill(0.5f);
    reference::conv2d_backward_data(g, dy, w, dx);
    EXPECT_EQ(dx[0], 1.0f);
    EXPECT_EQ(dx[1], -1.0f);
    EXPECT_EQ(dx[2], 2.0f);
    EXPECT_EQ(dx[3], -2.0f);
    reference::conv2d_backward_weights(g, x, dy, dw, db);
    EXPECT_EQ(dw[0], 7.5f);
    EXPECT_EQ(dw[1], 10.5f);
    EXPECT_EQ(db[0], 3.5f);
}

TEST(ConvolutionChecks, RejectInconsistentGeometryAndTensors) {
    ConvGeometry g = keras_geometry(Shape{2, 7, 5, 3}, 4, 3, 1, 1, Padding::valid);
    Tensor x(g.input_shape()), w(g.weights_shape()), y(g.output_shape());
    const Tensor no_bias;
    Tensor wrong_w(Shape{3, 3, 4, 4});
    EXPECT_THROW(conv2d_forward(g, x, wrong_w, no_bias, y, false), Error);
    EXPECT_THROW(reference::conv2d_forward(g, x, wrong_w, no_bias, y, false), Error);
    g.out_h += 1;  // not what the padding and kernel give
    EXPECT_THROW(conv2d_forward(g, x, w, no_bias, y, false), Error);
    EXPECT_THROW(reference::conv2d_forward(g, x, w, no_bias, y, false), Error);
    g = keras_geometry(Shape{2, 7, 5, 3}, 4, 3, 1, 1, Padding::valid, 2);  // 3 channels in 2 groups
    EXPECT_THROW(check_conv_geometry("test", g), Error);
}

}  // namespace
}  // namespace nnlab
