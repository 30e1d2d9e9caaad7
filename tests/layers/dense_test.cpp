// Dense: hand-computed forward, gradients, Keras defaults and shape errors.
#include "nnlab/layers/dense.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/core/rng.hpp"
#include "nnlab/layers/initializer.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/layer_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace nnlab::testing;

TEST(Dense, ForwardMatchesHandComputedValues) {
    Dense dense(2);
    const Shape output = build_with_params(dense, Shape{1, 3});
    set_values(dense.kernel().value, {1, 2, 3, 4, 5, 6});  // rows of W: [1 2] [3 4] [5 6]
    set_values(dense.bias().value, {0.5f, -1.0f});
    // [1 0 -1]·W + b = [1 − 5 + 0.5, 2 − 6 − 1]
    EXPECT_THAT(values(forward_once(dense, Shape{1, 3}, {1, 0, -1}, output)), ElementsAre(-3.5f, -5.0f));
}

TEST(Dense, AppliesItsActivation) {
    Dense dense(2, "relu");
    const Shape output = build_with_params(dense, Shape{1, 3});
    set_values(dense.kernel().value, {1, 2, 3, 4, 5, 6});
    set_values(dense.bias().value, {0.5f, 9.0f});
    // relu([−3.5, 2 − 6 + 9]) = [0, 5]
    EXPECT_THAT(values(forward_once(dense, Shape{1, 3}, {1, 0, -1}, output)), ElementsAre(0.0f, 5.0f));
}

TEST(Dense, DeclaresKerasDefaults) {
    Dense dense(512);
    EXPECT_EQ(dense.build(Shape{Shape::unknown, 3072}), (Shape{Shape::unknown, 512}));
    EXPECT_EQ(dense.kernel().shape, (Shape{3072, 512}));
    EXPECT_EQ(dense.kernel().initializer.name, "glorot_uniform");
    EXPECT_EQ(dense.bias().shape, (Shape{512}));
    EXPECT_EQ(dense.bias().initializer.name, "zeros");
    EXPECT_EQ(dense.config()["activation"], "linear");
}

TEST(Dense, GlorotUniformStaysWithinItsLimit) {
    Dense dense(300);
    dense.build(Shape{Shape::unknown, 500});
    bind_params(dense);
    Rng rng(1);
    initialize(dense.kernel(), rng);
    const double limit = std::sqrt(6.0 / 800.0);
    double sum_sq = 0;
    for (float v : dense.kernel().value.values()) {
        ASSERT_LE(std::abs(v), limit);
        sum_sq += double{v} * v;
    }
    // Variance of U(−l, l) is l²/3.
    EXPECT_NEAR(sum_sq / dense.kernel().value.numel(), limit * limit / 3, limit * limit / 3 * 0.02);
}

TEST(Dense, GradientsMatchCentralDifferences) {
    for (const char* activation : {"linear", "relu", "tanh", "sigmoid", "softmax", "gelu", "swish"}) {
        Dense dense(4, activation);
        EXPECT_LAYER_GRADIENTS_OK(dense, Shape{3, 5}) << activation;
    }
    Dense odd(17);
    EXPECT_LAYER_GRADIENTS_OK(odd, Shape{1, 65});
}

// Asked to write its gradients (as Sequential asks), backward stores dW and db instead of adding to them: two
// passes leave what one pass of an adding twin computes, whatever was in the gradients before.
TEST(Dense, WritesItsGradientsWhenAsked) {
    Dense adding(3, "tanh"), writing(3, "tanh");
    EXPECT_TRUE(writing.write_gradients_in_backward());
    Tensor x(Shape{2, 4}), y_adding(Shape{2, 3}), y_writing(Shape{2, 3});  // backward reads what forward kept
    set_values(x, {1, 2, 3, 4, -1, 0.5f, 0, 2});
    for (auto [dense, y] : {std::pair{&adding, &y_adding}, std::pair{&writing, &y_writing}}) {
        build_with_params(*dense, Shape{2, 4});
        set_values(dense->kernel().value, {0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f, 0.7f, 0.8f, -0.9f, 1.0f, 1.1f, 1.2f});
        set_values(dense->bias().value, {0.1f, 0.2f, -0.3f});
        dense->forward(x, *y, Mode::training);
    }
    Tensor dy(Shape{2, 3}), dx(Shape{2, 4});
    set_values(dy, {0.5f, -1, 2, 1, 0.25f, -0.5f});
    adding.backward(dy, dx);
    writing.kernel().grad.fill(7.0f);
    writing.bias().grad.fill(7.0f);
    writing.backward(dy, dx);
    writing.backward(dy, dx);
    EXPECT_THAT(values(writing.kernel().grad),
                ::testing::Pointwise(::testing::FloatEq(), values(adding.kernel().grad)));
    EXPECT_THAT(values(writing.bias().grad), ::testing::Pointwise(::testing::FloatEq(), values(adding.bias().grad)));
    EXPECT_NE(adding.kernel().grad[0], 0.0f);
}

// In bfloat16 the layer rounds x, W and dz to bfloat16 and sums in float32; a float32 twin fed the same values
// pre-rounded computes the same products exactly, so the two agree to float32 summation order.
TEST(Dense, Bfloat16RoundsTheOperandsOfItsGemms) {
    if (!bfloat16_supported()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
    const auto round = [](Tensor& t) {
        for (float& v : t.values()) v = float_from_bfloat16(bfloat16_bits(v));
    };
    Dense mixed(9), twin(9);
    mixed.set_precision(Precision::bfloat16);
    Tensor x(Shape{4, 33}), x_rounded(Shape{4, 33}), dy(Shape{4, 9}), dy_rounded(Shape{4, 9});
    Rng rng(3);
    for (Tensor* t : {&x, &dy})
        for (float& v : t->values()) v = static_cast<float>(rng.uniform(-1.0, 1.0));
    std::copy_n(x.data(), x.numel(), x_rounded.data());
    std::copy_n(dy.data(), dy.numel(), dy_rounded.data());
    round(x_rounded);
    round(dy_rounded);
    for (Dense* dense : {&mixed, &twin}) {
        build_with_params(*dense, Shape{4, 33});
        Rng init(5);
        initialize(dense->kernel(), init);
        set_values(dense->bias().value, {0.1f, 0.2f, -0.3f, 0, 0, 0, 0, 0, 0.5f});
    }
    round(twin.kernel().value);
    Tensor y_mixed(Shape{4, 9}), y_twin(Shape{4, 9}), dx_mixed(Shape{4, 33}), dx_twin(Shape{4, 33});
    mixed.forward(x, y_mixed, Mode::training);
    twin.forward(x_rounded, y_twin, Mode::training);
    mixed.backward(dy, dx_mixed);
    twin.backward(dy_rounded, dx_twin);
    const auto near = ::testing::Pointwise(::testing::FloatNear(2e-6f), values(y_twin));
    EXPECT_THAT(values(y_mixed), near);
    EXPECT_THAT(values(dx_mixed), ::testing::Pointwise(::testing::FloatNear(2e-6f), values(dx_twin)));
    EXPECT_THAT(values(mixed.kernel().grad),
                ::testing::Pointwise(::testing::FloatNear(2e-6f), values(twin.kernel().grad)));
    // The bias gradient is no GEMM: it sums the float32 dz.
    for (int64_t j = 0; j < 9; ++j) {
        float sum = 0;
        for (int64_t n = 0; n < 4; ++n) sum += dy[n * 9 + j];
        EXPECT_NEAR(mixed.bias().grad[j], sum, 2e-6f) << j;
    }

    // And it did round: the same layer in float32 gives a different answer.
    Tensor y_float(Shape{4, 9});
    mixed.set_precision(Precision::float32);
    mixed.forward(x, y_float, Mode::training);
    EXPECT_THAT(values(y_float), ::testing::Not(near));
}

TEST(Dense, RejectsInputWithoutFlatten) {
    Dense dense(10);
    dense.set_name("dense");
    try {
        dense.build(Shape{Shape::unknown, 32, 32, 3});
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_THAT(error.what(), HasSubstr("dense (Dense)"));
        EXPECT_THAT(error.what(), HasSubstr("(None, 32, 32, 3)"));
        EXPECT_THAT(error.what(), HasSubstr("Flatten"));
    }
}

TEST(Dense, RejectsNonPositiveUnitsAndUnknownActivation) {
    EXPECT_THROW(Dense(0), KeyError);
    try {
        Dense(4, "relux");
        FAIL() << "expected an error";
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "activation");
        EXPECT_THAT(error.what(), HasSubstr("relux"));
    }
}

}  // namespace
}  // namespace nnlab
