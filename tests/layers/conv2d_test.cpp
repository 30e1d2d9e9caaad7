// Conv2D: hand-computed outputs, Keras output shapes and defaults, gradients and errors.
#include "nnlab/layers/conv2d.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/convolution.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/kernels/reference/reference_kernels.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/layer_helpers.hpp"
#include "tests/support/random_tensor.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace nnlab::testing;

// The 3×3 image 1..9 (one channel) and the 2×2 kernel [1 2; 3 4] used by the hand-computed cases.
constexpr std::initializer_list<float> image_1_to_9 = {1, 2, 3, 4, 5, 6, 7, 8, 9};

TEST(Conv2D, ValidForwardMatchesHandComputedValues) {
    Conv2D conv(1, {2, 2});
    const Shape output = build_with_params(conv, Shape{1, 3, 3, 1});
    ASSERT_EQ(output, (Shape{1, 2, 2, 1}));
    set_values(conv.kernel().value, {1, 2, 3, 4});
    set_values(conv.bias().value, {0.5f});
    // top-left: 1·1 + 2·2 + 4·3 + 5·4 = 37, then 47, 67, 77 as the window moves; plus the bias.
    EXPECT_THAT(values(forward_once(conv, Shape{1, 3, 3, 1}, image_1_to_9, output)),
                ElementsAre(37.5f, 47.5f, 67.5f, 77.5f));
}

TEST(Conv2D, SamePaddingPutsTheOddPixelAtTheBottomRight) {
    Conv2D conv(1, {2, 2}, {.padding = "same"});
    const Shape output = build_with_params(conv, Shape{1, 3, 3, 1});
    ASSERT_EQ(output, (Shape{1, 3, 3, 1}));
    set_values(conv.kernel().value, {1, 2, 3, 4});
    // One row and one column of zeros after the image (TensorFlow), none before: the last column sees
    // [3 0; 6 0] → 3 + 18 = 21, the corner only 9.
    EXPECT_THAT(values(forward_once(conv, Shape{1, 3, 3, 1}, image_1_to_9, output)),
                ElementsAre(37, 47, 21, 67, 77, 33, 23, 26, 9));
}

TEST(Conv2D, StridesAndDilationPickTheRightPixels) {
    Conv2D strided(1, {1, 1}, {.strides = {2, 2}});
    Shape output = build_with_params(strided, Shape{1, 3, 3, 1});
    set_values(strided.kernel().value, {1});
    EXPECT_THAT(values(forward_once(strided, Shape{1, 3, 3, 1}, image_1_to_9, output)), ElementsAre(1, 3, 7, 9));

    Conv2D dilated(1, {2, 2}, {.dilation_rate = {2, 2}});
    output = build_with_params(dilated, Shape{1, 3, 3, 1});
    ASSERT_EQ(output, (Shape{1, 1, 1, 1}));
    set_values(dilated.kernel().value, {1, 2, 3, 4});
    // The kernel taps the corners: 1·1 + 3·2 + 7·3 + 9·4.
    EXPECT_THAT(values(forward_once(dilated, Shape{1, 3, 3, 1}, image_1_to_9, output)), ElementsAre(64));
}

TEST(Conv2D, EdgeAndBoxFiltersOnTwoChannels) {
    // Channel 0 is a vertical edge (columns 0 0 1 1), channel 1 is all ones. Filter 0 is Sobel-x on channel 0,
    // filter 1 sums channel 1 over the window, so every output pixel is [4, 9].
    Conv2D conv(2, {3, 3});
    const Shape output = build_with_params(conv, Shape{1, 4, 4, 2});
    ASSERT_EQ(output, (Shape{1, 2, 2, 2}));
    const float sobel_x[9] = {-1, 0, 1, -2, 0, 2, -1, 0, 1};
    Tensor& w = conv.kernel().value;  // (3, 3, 2, 2): ((tap·2 + in)·2 + out)
    for (int tap = 0; tap < 9; ++tap) {
        w[(tap * 2 + 0) * 2 + 0] = sobel_x[tap];
        w[(tap * 2 + 1) * 2 + 1] = 1.0f;
    }
    Tensor x(Shape{1, 4, 4, 2});
    for (int pixel = 0; pixel < 16; ++pixel) {
        x[pixel * 2] = pixel % 4 >= 2 ? 1.0f : 0.0f;
        x[pixel * 2 + 1] = 1.0f;
    }
    Tensor y(output);
    conv.forward(x, y, Mode::inference);
    EXPECT_THAT(values(y), ElementsAre(4, 9, 4, 9, 4, 9, 4, 9));
}

TEST(Conv2D, AppliesItsActivationPerPixel) {
    Conv2D relu(1, {2, 2}, {.activation = "relu"});
    Shape output = build_with_params(relu, Shape{1, 3, 3, 1});
    set_values(relu.kernel().value, {1, 0, 0, -1});  // x[i, j] − x[i + 1, j + 1] = −4 everywhere
    set_values(relu.bias().value, {5});
    EXPECT_THAT(values(forward_once(relu, Shape{1, 3, 3, 1}, image_1_to_9, output)), ElementsAre(1, 1, 1, 1));

    // softmax over the two filters of each pixel, not over the whole image: equal logits give ½ each.
    Conv2D softmax(2, {1, 1}, {.activation = "softmax"});
    output = build_with_params(softmax, Shape{1, 2, 2, 1});
    set_values(softmax.kernel().value, {1, 1});
    EXPECT_THAT(values(forward_once(softmax, Shape{1, 2, 2, 1}, {1, 2, 3, 4}, output)),
                ElementsAre(0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f));
}

TEST(Conv2D, OutputShapesFollowKeras) {
    struct Case {
        Conv2DOptions options;
        std::array<int64_t, 2> kernel;
        Shape expected;
    };
    const Case cases[] = {
        {{.padding = "valid"}, {3, 3}, Shape{Shape::unknown, 5, 3, 8}},
        {{.padding = "same"}, {3, 3}, Shape{Shape::unknown, 7, 5, 8}},
        {{.strides = {2, 2}, .padding = "valid"}, {3, 3}, Shape{Shape::unknown, 3, 2, 8}},
        {{.strides = {2, 2}, .padding = "same"}, {3, 3}, Shape{Shape::unknown, 4, 3, 8}},
        {{.strides = {2, 1}, .padding = "same"}, {2, 2}, Shape{Shape::unknown, 4, 5, 8}},
        {{.padding = "valid", .dilation_rate = {2, 2}}, {3, 3}, Shape{Shape::unknown, 3, 1, 8}},
        {{.padding = "same", .dilation_rate = {2, 2}}, {3, 3}, Shape{Shape::unknown, 7, 5, 8}},
        {{.padding = "valid"}, {1, 5}, Shape{Shape::unknown, 7, 1, 8}},
    };
    for (const Case& c : cases) {
        Conv2D conv(8, c.kernel, c.options);
        EXPECT_EQ(conv.build(Shape{Shape::unknown, 7, 5, 3}), c.expected) << conv.config().dump();
    }
}

TEST(Conv2D, DeclaresKerasParametersAndConfig) {
    Conv2D conv(32, {3, 3}, {.padding = "same", .activation = "relu"});
    EXPECT_EQ(conv.type(), "Conv2D");
    conv.build(Shape{Shape::unknown, 32, 32, 3});
    ASSERT_EQ(conv.params().size(), 2u);
    EXPECT_EQ(conv.kernel().name, "kernel");
    EXPECT_EQ(conv.kernel().shape, (Shape{3, 3, 3, 32}));
    EXPECT_EQ(conv.kernel().initializer.name, "glorot_uniform");
    EXPECT_EQ(conv.bias().name, "bias");
    EXPECT_EQ(conv.bias().shape, (Shape{32}));
    EXPECT_EQ(conv.bias().initializer.name, "zeros");
    EXPECT_EQ(conv.config(), (nlohmann::json{{"filters", 32},
                                             {"kernel_size", {3, 3}},
                                             {"strides", {1, 1}},
                                             {"padding", "same"},
                                             {"dilation_rate", {1, 1}},
                                             {"activation", "relu"}}));

    Conv2D no_bias(4, {1, 1}, {.padding = "SAME", .weights = {.kernel_initializer = "he_normal", .use_bias = false}});
    no_bias.build(Shape{Shape::unknown, 5, 5, 2});
    EXPECT_EQ(no_bias.params().size(), 1u);
    EXPECT_EQ(no_bias.config()["padding"], "same");
    EXPECT_EQ(no_bias.config()["kernel_initializer"], "he_normal");
    EXPECT_EQ(no_bias.config()["use_bias"], false);
}

TEST(Conv2D, GradientsMatchCentralDifferences) {
    Conv2D strided_same(4, {3, 3}, {.strides = {2, 2}, .padding = "same"});
    EXPECT_LAYER_GRADIENTS_OK(strided_same, Shape{2, 7, 5, 3});
    Conv2D strided_valid(3, {3, 2}, {.strides = {2, 2}});
    EXPECT_LAYER_GRADIENTS_OK(strided_valid, Shape{2, 7, 5, 3});
    Conv2D odd(5, {5, 3}, {.padding = "same"});
    EXPECT_LAYER_GRADIENTS_OK(odd, Shape{3, 7, 5, 1});
    Conv2D dilated(2, {3, 3}, {.padding = "same", .dilation_rate = {2, 2}});
    EXPECT_LAYER_GRADIENTS_OK(dilated, Shape{1, 7, 5, 3});
    Conv2D no_bias(3, {2, 2}, {.weights = {.use_bias = false}});
    EXPECT_LAYER_GRADIENTS_OK(no_bias, Shape{2, 5, 4, 2});
    for (const char* activation : {"relu", "tanh", "swish", "softmax"}) {
        Conv2D activated(3, {3, 3}, {.padding = "same", .activation = activation});
        EXPECT_LAYER_GRADIENTS_OK(activated, Shape{2, 5, 4, 2}) << activation;
    }
}

// In bfloat16 the layer rounds x once in forward and dL/dz once in backward and shares the copies between its
// passes (Operand); the result must be the reference convolution on rounded operands, pass for pass.
TEST(Conv2D, Bfloat16PassesShareTheRoundedOperands) {
    if (!bfloat16_supported()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
    Conv2D conv(5, {3, 3}, {.strides = {2, 2}, .padding = "same", .activation = "relu"});
    const Shape input{3, 7, 5, 4};
    const Shape output = build_with_params(conv, input);
    conv.kernel().value = random_tensor(conv.kernel().value.shape(), 1);
    conv.bias().value = random_tensor(Shape{5}, 2);
    conv.set_precision(Precision::bfloat16);
    const Tensor x = random_tensor(input, 3), dy = random_tensor(output, 4);
    Tensor y(output), dx(input);
    conv.forward(x, y, Mode::training);
    conv.backward(dy, dx);

    ConvGeometry g = conv.geometry();
    g.bfloat16 = true;  // what the layer's bfloat16 operands ran
    Tensor y_expected(output), dx_expected(input), dw_expected(conv.kernel().value.shape()), db_expected(Shape{5});
    reference::conv2d_forward(g, x, conv.kernel().value, conv.bias().value, y_expected, true);
    Tensor dz = dy.clone();
    for (int64_t i = 0; i < dz.numel(); ++i) dz[i] = y_expected[i] > 0.0f ? dy[i] : 0.0f;
    reference::conv2d_backward_data(g, dz, conv.kernel().value, dx_expected);
    reference::conv2d_backward_weights(g, x, dz, dw_expected, db_expected);
    auto expect_near = [](const Tensor& actual, const Tensor& expected, const char* what) {
        for (int64_t i = 0; i < expected.numel(); ++i)
            ASSERT_NEAR(actual[i], expected[i], 1e-5 * std::max(1.0f, std::abs(expected[i]))) << what << " at " << i;
    };
    expect_near(y, y_expected, "y");
    expect_near(dx, dx_expected, "dx");
    expect_near(conv.kernel().grad, dw_expected, "dw");
    expect_near(conv.bias().grad, db_expected, "db");
}

// A large output's backward runs in pieces of the batch (its rounded dL/dz is never whole): dx is the whole batch's
// row for row, and the weights' gradients the whole batch's within float32 summation. Here 33 images of 32×32×256
// (8.65 M values of dz, two pieces) against the same kernels run on the whole batch.
TEST(Conv2D, Bfloat16BackwardOfALargeOutputInPiecesIsTheWholeBatchs) {
    if (!bfloat16_supported()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
    Conv2D conv(256, {3, 3}, {.padding = "same"});
    const Shape input{33, 32, 32, 3};
    const Shape output = build_with_params(conv, input);
    ASSERT_GT(output.numel(), int64_t{8} << 20);
    conv.kernel().value = random_tensor(conv.kernel().value.shape(), 1);
    conv.set_precision(Precision::bfloat16);
    const Tensor x = random_tensor(input, 2), dy = random_tensor(output, 3);
    Tensor y(output), dx(input);
    conv.forward(x, y, Mode::training);
    conv.backward(dy, dx);

    Operand x_whole, dy_whole;
    x_whole.set(x, Precision::bfloat16);
    dy_whole.set(dy, Precision::bfloat16);
    Tensor dx_whole(input), dw_whole(conv.kernel().value.shape()), db_whole(Shape{256});
    conv2d_backward_data(conv.geometry(), dy_whole, conv.kernel().value, dx_whole);
    conv2d_backward_weights(conv.geometry(), x_whole, dy_whole, dw_whole, db_whole);
    for (int64_t i = 0; i < dx.numel(); ++i) ASSERT_EQ(dx[i], dx_whole[i]) << "dx at " << i;
    // The weights' gradients sum 33·1024 products each, in another order: within a few float32 roundings of the sum
    // of the products' magnitudes (the same kernels on |x| and |dy|).
    Tensor x_abs = x.clone(), dy_abs = dy.clone();
    for (float& v : x_abs.values()) v = std::abs(v);
    for (float& v : dy_abs.values()) v = std::abs(v);
    x_whole.set(x_abs, Precision::float32);
    dy_whole.set(dy_abs, Precision::float32);
    Tensor dw_scale(conv.kernel().value.shape()), db_scale(Shape{256});
    conv2d_backward_weights(conv.geometry(), x_whole, dy_whole, dw_scale, db_scale);
    for (int64_t i = 0; i < dw_whole.numel(); ++i)
        ASSERT_NEAR(conv.kernel().grad[i], dw_whole[i], 1e-6 * dw_scale[i]) << "dw at " << i;
    for (int64_t i = 0; i < db_whole.numel(); ++i)
        ASSERT_NEAR(conv.bias().grad[i], db_whole[i], 1e-6 * db_scale[i]) << "db at " << i;
}

TEST(Conv2D, RejectsInputThatIsNotAnImageBatch) {
    Conv2D conv(8, {3, 3});
    conv.set_name("conv2d");
    const std::string message = error_message([&] { conv.build(Shape{Shape::unknown, 3072}); });
    EXPECT_THAT(message, HasSubstr("conv2d (Conv2D)"));
    EXPECT_THAT(message, HasSubstr("(batch, height, width, channels)"));
    EXPECT_THAT(message, HasSubstr("(None, 3072)"));
}

TEST(Conv2D, RejectsAKernelLargerThanTheInput) {
    Conv2D conv(8, {3, 3}, {.dilation_rate = {2, 2}});
    conv.set_name("conv2d");
    const std::string message = error_message([&] { conv.build(Shape{Shape::unknown, 4, 7, 1}); });
    EXPECT_THAT(message, HasSubstr("conv2d (Conv2D)"));
    EXPECT_THAT(message, HasSubstr("0×3"));  // the output
    EXPECT_THAT(message, HasSubstr("4×7"));  // the input
    EXPECT_THAT(message, HasSubstr("5×5"));  // the dilated kernel
    Conv2D same(8, {3, 3}, {.padding = "same"});
    EXPECT_EQ(same.build(Shape{Shape::unknown, 1, 1, 1}), (Shape{Shape::unknown, 1, 1, 8}));
}

TEST(Conv2D, RejectsBadArgumentsNamingThem) {
    auto key_of = [](auto make) -> std::string {
        try {
            make();
        } catch (const KeyError& error) {
            return error.key();
        }
        return "no error";
    };
    EXPECT_EQ(key_of([] { Conv2D(8, {3, 3}, {.strides = {2, 2}, .dilation_rate = {2, 1}}); }), "dilation_rate");
    EXPECT_EQ(key_of([] { Conv2D(8, {3, 3}, {.padding = "full"}); }), "padding");
    EXPECT_EQ(key_of([] { Conv2D(8, {3, 3}, {.activation = "relux"}); }), "activation");
    EXPECT_EQ(key_of([] { Conv2D(0, {3, 3}); }), "filters");
    EXPECT_EQ(key_of([] { Conv2D(8, {3, 0}); }), "kernel_size");
    EXPECT_EQ(key_of([] { Conv2D(8, {3, 3}, {.strides = {0, 1}}); }), "strides");
    EXPECT_THAT(error_message([] { Conv2D(8, {3, 3}, {.padding = "full"}); }), HasSubstr("\"full\""));
    EXPECT_THAT(error_message([] {
                    Conv2D(8, {3, 3}, {.strides = {2, 2}, .dilation_rate = {2, 2}});
                }),
                HasSubstr("strides 2×2 and dilation_rate 2×2"));
}

}  // namespace
}  // namespace nnlab
