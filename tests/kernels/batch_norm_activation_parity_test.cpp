// Batch norm fused with the activation after it: the CPU kernel against the reference loops (in double) on odd
// shapes, threaded ones and a large channel offset; the reference against the unfused reference kernels; the vector
// GELU against double.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>
#include <utility>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/batch_norm.hpp"
#include "nnlab/kernels/cpu/vector_math.hpp"
#include "nnlab/kernels/reference/reference_kernels.hpp"
#include "tests/support/parity.hpp"
#include "tests/support/random_tensor.hpp"

namespace nnlab {
namespace {

using nnlab::testing::expect_close_to_largest;
using nnlab::testing::random_tensor;

struct Case {
    Shape shape;
    ActivationKind kind;
    double offset;  // added to every x: a channel far from zero tests the variance's cancellation
};

class BatchNormActivationParity : public ::testing::TestWithParam<Case> {};

TEST_P(BatchNormActivationParity, ForwardAndBackwardMatchReference) {
    const Case c = GetParam();
    const Shape per_channel{c.shape[c.shape.rank() - 1]};
    const Tensor x = random_tensor(c.shape, 1, c.offset - 3.0, c.offset + 5.0);
    const Tensor gamma = random_tensor(per_channel, 2, 0.5, 1.5), beta = random_tensor(per_channel, 3);
    const float epsilon = 1e-3f;

    Tensor y_fast(c.shape), y_reference(c.shape);
    Tensor mean_fast(per_channel), mean_reference(per_channel), var_fast(per_channel), var_reference(per_channel);
    batch_norm_activation_forward_training(c.kind, x, gamma, beta, epsilon, y_fast, mean_fast, var_fast, nullptr);
    reference::batch_norm_activation_forward_training(c.kind, x, gamma, beta, epsilon, y_reference, mean_reference,
                                                      var_reference, nullptr);
    expect_close_to_largest(mean_fast, mean_reference, 1e-6, "mean");
    expect_close_to_largest(var_fast, var_reference, 1e-5, "variance");
    expect_close_to_largest(y_fast, y_reference, 1e-5, "y");

    // Backward from x in float32 and from its bfloat16 rounding; gradients start non-zero: both must add into them.
    const Tensor dy = random_tensor(c.shape, 6);
    Bf16Tensor rounded;
    convert_to_bfloat16(x, rounded);
    for (bool bfloat16 : {false, true}) {
        SCOPED_TRACE(bfloat16 ? "x in bfloat16" : "x in float32");
        Tensor dx_fast(c.shape), dx_reference(c.shape);
        Tensor dgamma_fast = random_tensor(per_channel, 7), dgamma_reference = dgamma_fast.clone();
        Tensor dbeta_fast = random_tensor(per_channel, 8), dbeta_reference = dbeta_fast.clone();
        if (bfloat16) {
            batch_norm_activation_backward(c.kind, rounded, dy, gamma, beta, mean_reference, var_reference, epsilon,
                                           dx_fast, dgamma_fast, dbeta_fast);
            reference::batch_norm_activation_backward(c.kind, rounded, dy, gamma, beta, mean_reference, var_reference,
                                                      epsilon, dx_reference, dgamma_reference, dbeta_reference);
        } else {
            batch_norm_activation_backward(c.kind, x, dy, gamma, beta, mean_reference, var_reference, epsilon, dx_fast,
                                           dgamma_fast, dbeta_fast);
            reference::batch_norm_activation_backward(c.kind, x, dy, gamma, beta, mean_reference, var_reference,
                                                      epsilon, dx_reference, dgamma_reference, dbeta_reference);
        }
        expect_close_to_largest(dx_fast, dx_reference, 1e-4, "dx");
        expect_close_to_largest(dgamma_fast, dgamma_reference, 1e-4, "dgamma");
        expect_close_to_largest(dbeta_fast, dbeta_reference, 1e-4, "dbeta");

        // Without dx: the same parameter gradients.
        Tensor none, dgamma_only(per_channel), dbeta_only(per_channel);
        if (bfloat16)
            batch_norm_activation_backward(c.kind, rounded, dy, gamma, beta, mean_reference, var_reference, epsilon,
                                           none, dgamma_only, dbeta_only);
        else
            batch_norm_activation_backward(c.kind, x, dy, gamma, beta, mean_reference, var_reference, epsilon, none,
                                           dgamma_only, dbeta_only);
        axpy(1.0f, random_tensor(per_channel, 7), dgamma_only);
        axpy(1.0f, random_tensor(per_channel, 8), dbeta_only);
        expect_close_to_largest(dgamma_only, dgamma_fast, 1e-6, "dgamma without dx");
        expect_close_to_largest(dbeta_only, dbeta_fast, 1e-6, "dbeta without dx");
    }
}

// Written in bfloat16 for the layer after (a tensor handed over rounded), y and dx are the float32 kernel's rounded,
// bit for bit, in both backends; so is the copy of x the statistics pass writes.
TEST_P(BatchNormActivationParity, BfloatOutputsAreTheFloat32OnesRounded) {
    const Case c = GetParam();
    const Shape per_channel{c.shape[c.shape.rank() - 1]};
    const Tensor x = random_tensor(c.shape, 1, c.offset - 3.0, c.offset + 5.0);
    const Tensor gamma = random_tensor(per_channel, 2, 0.5, 1.5), beta = random_tensor(per_channel, 3);
    const Tensor dy = random_tensor(c.shape, 6);
    const float epsilon = 1e-3f;
    Bf16Tensor rounded_x;
    convert_to_bfloat16(x, rounded_x);
    auto expect_rounding_of = [](const Tensor& wide, const Bf16Tensor& narrow, const char* what) {
        ASSERT_EQ(wide.numel(), narrow.numel()) << what;
        for (int64_t i = 0; i < wide.numel(); ++i)
            ASSERT_EQ(narrow.data()[i], bfloat16_bits(wide[i])) << what << " at " << i;
    };
    for (bool fast : {true, false}) {
        SCOPED_TRACE(fast ? "fast" : "reference");
        Tensor y(c.shape), mean(per_channel), variance(per_channel), mean_b(per_channel), variance_b(per_channel);
        Bf16Tensor y_rounded, dx_rounded, x_copy;
        y_rounded.resize(c.shape);
        dx_rounded.resize(c.shape);
        x_copy.resize(c.shape);
        Tensor dx(c.shape), dgamma(per_channel), dbeta(per_channel), dgamma_b(per_channel), dbeta_b(per_channel);
        if (fast) {
            batch_norm_activation_forward_training(c.kind, x, gamma, beta, epsilon, y, mean, variance, nullptr);
            batch_norm_activation_forward_training(c.kind, x, gamma, beta, epsilon, y_rounded, mean_b, variance_b,
                                                   &x_copy);
            batch_norm_activation_backward(c.kind, rounded_x, dy, gamma, beta, mean, variance, epsilon, dx, dgamma,
                                           dbeta);
            batch_norm_activation_backward(c.kind, rounded_x, dy, gamma, beta, mean, variance, epsilon, dx_rounded,
                                           dgamma_b, dbeta_b);
        } else {
            reference::batch_norm_activation_forward_training(c.kind, x, gamma, beta, epsilon, y, mean, variance,
                                                              nullptr);
            reference::batch_norm_activation_forward_training(c.kind, x, gamma, beta, epsilon, y_rounded, mean_b,
                                                              variance_b, &x_copy);
            reference::batch_norm_activation_backward(c.kind, rounded_x, dy, gamma, beta, mean, variance, epsilon, dx,
                                                      dgamma, dbeta);
            reference::batch_norm_activation_backward(c.kind, rounded_x, dy, gamma, beta, mean, variance, epsilon,
                                                      dx_rounded, dgamma_b, dbeta_b);
        }
        expect_rounding_of(y, y_rounded, "y");
        expect_rounding_of(x, x_copy, "the copy of x");
        expect_rounding_of(dx, dx_rounded, "dx");
        for (int64_t j = 0; j < per_channel[0]; ++j) {
            ASSERT_EQ(mean[j], mean_b[j]);
            ASSERT_EQ(variance[j], variance_b[j]);
            ASSERT_EQ(dgamma[j], dgamma_b[j]);
            ASSERT_EQ(dbeta[j], dbeta_b[j]);
        }
    }
}

std::string kind_name(ActivationKind kind) {
    return kind == ActivationKind::relu ? "relu" : kind == ActivationKind::gelu ? "gelu" : "linear";
}

INSTANTIATE_TEST_SUITE_P(
    OddShapes, BatchNormActivationParity,
    ::testing::Values(Case{Shape{1, 3}, ActivationKind::gelu, 0}, Case{Shape{17, 3}, ActivationKind::relu, 0},
                      Case{Shape{3, 5, 7, 17}, ActivationKind::gelu, 0},
                      Case{Shape{2, 3, 3, 65}, ActivationKind::linear, 0},
                      Case{Shape{17, 1, 3, 1}, ActivationKind::gelu, 0},
                      // Threaded (≥ 32 Ki values), with rows that do not split evenly into blocks or threads.
                      Case{Shape{37, 9, 9, 64}, ActivationKind::gelu, 0},
                      Case{Shape{4099, 17}, ActivationKind::relu, 0},
                      Case{Shape{33, 7, 7, 256}, ActivationKind::gelu, 0},
                      // Every value near 1,000: the variance of x − x[0] does not cancel.
                      Case{Shape{37, 9, 9, 64}, ActivationKind::gelu, 1000}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
        std::string name;
        for (int64_t d : param_info.param.shape.dims()) name += (name.empty() ? "" : "x") + std::to_string(d);
        return name + "_" + kind_name(param_info.param.kind) + (param_info.param.offset != 0 ? "_offset" : "");
    });

// The reference fused kernel is the unfused reference kernels one after the other.
TEST(BatchNormActivationParity, ReferenceIsBatchNormThenTheActivation) {
    const Shape shape{6, 2, 3, 5}, per_channel{5};
    const Tensor x = random_tensor(shape, 11, -2.0, 3.0), dy = random_tensor(shape, 12);
    const Tensor gamma = random_tensor(per_channel, 13, 0.5, 1.5), beta = random_tensor(per_channel, 14);
    for (ActivationKind kind : {ActivationKind::linear, ActivationKind::relu, ActivationKind::gelu}) {
        SCOPED_TRACE(kind_name(kind));
        Tensor y(shape), mean(per_channel), variance(per_channel);
        reference::batch_norm_activation_forward_training(kind, x, gamma, beta, 1e-3f, y, mean, variance, nullptr);
        Tensor z(shape), y_apart(shape), mean_apart(per_channel), variance_apart(per_channel);
        reference::batch_norm_forward_training(x, gamma, beta, 1e-3f, z, mean_apart, variance_apart);
        reference::activation_forward(kind, z, y_apart);
        expect_close_to_largest(y, y_apart, 1e-6, "y");
        expect_close_to_largest(mean, mean_apart, 0, "mean");

        Tensor dx(shape), dgamma(per_channel), dbeta(per_channel);
        reference::batch_norm_activation_backward(kind, x, dy, gamma, beta, mean, variance, 1e-3f, dx, dgamma, dbeta);
        Tensor dz(shape), dx_apart(shape), dgamma_apart(per_channel), dbeta_apart(per_channel);
        reference::activation_backward(kind, z, y_apart, dy, dz);
        reference::batch_norm_backward(x, dz, gamma, mean, variance, 1e-3f, dx_apart, dgamma_apart, dbeta_apart);
        expect_close_to_largest(dx, dx_apart, 1e-5, "dx");
        expect_close_to_largest(dgamma, dgamma_apart, 1e-5, "dgamma");
        expect_close_to_largest(dbeta, dbeta_apart, 1e-5, "dbeta");
    }
}

TEST(BatchNormActivationParity, OnlyLinearReluAndGeluAreFused) {
    const Tensor x(Shape{4, 3}), gamma(Shape{3}), beta(Shape{3});
    Tensor y(Shape{4, 3}), mean(Shape{3}), variance(Shape{3});
    EXPECT_THROW(
        batch_norm_activation_forward_training(ActivationKind::tanh, x, gamma, beta, 1e-3f, y, mean, variance, nullptr),
        Error);
    EXPECT_THROW(reference::batch_norm_activation_forward_training(ActivationKind::swish, x, gamma, beta, 1e-3f, y,
                                                                   mean, variance, nullptr),
                 Error);
    EXPECT_FALSE(batch_norm_fuses(ActivationKind::softmax));
    Tensor short_y(Shape{3, 3});
    EXPECT_THROW(batch_norm_activation_forward_training(ActivationKind::gelu, x, gamma, beta, 1e-3f, short_y, mean,
                                                        variance, nullptr),
                 Error);
    Bf16Tensor short_copy;
    short_copy.resize(Shape{3, 3});
    EXPECT_THROW(batch_norm_activation_forward_training(ActivationKind::gelu, x, gamma, beta, 1e-3f, y, mean, variance,
                                                        &short_copy),
                 Error);
    EXPECT_THROW(reference::batch_norm_activation_forward_training(ActivationKind::gelu, x, gamma, beta, 1e-3f, y, mean,
                                                                   variance, &short_copy),
                 Error);
}

// The vectorised exp, GELU and its derivative against double, over the range activations take.
TEST(VectorMath, ExpAndGeluAreWithinAFewUnitsOfFloat) {
    double worst_exp = 0.0, worst_gelu = 0.0, worst_derivative = 0.0;
    for (int i = -870000; i <= 0; ++i) {
        const float x = static_cast<float>(i) * 1e-4f;
        const double exact = std::exp(double{x});
        worst_exp = std::max(worst_exp, std::abs(vector_math::exp_nonpositive(x) - exact) / exact);
    }
    for (int i = -200000; i <= 200000; ++i) {
        const float z = static_cast<float>(i) * 5e-5f;
        const double zd = z, cdf = 0.5 * std::erfc(-zd / std::numbers::sqrt2);
        const double density = std::exp(-0.5 * zd * zd) / std::sqrt(2.0 * std::numbers::pi);
        const double scale = std::max(1.0, std::abs(zd));
        worst_gelu = std::max(worst_gelu, std::abs(vector_math::gelu(z) - zd * cdf) / scale);
        worst_derivative = std::max(worst_derivative, std::abs(vector_math::gelu_derivative(z) - (cdf + zd * density)));
    }
    for (const auto& [name, value] : {std::pair{"worst_exp_relative", worst_exp}, std::pair{"worst_gelu", worst_gelu},
                                      std::pair{"worst_gelu_derivative", worst_derivative}}) {
        char text[32];
        std::snprintf(text, sizeof text, "%.3g", value);
        RecordProperty(name, text);
    }
    EXPECT_LT(worst_exp, 4e-7);
    EXPECT_LT(worst_gelu, 3e-7);
    EXPECT_LT(worst_derivative, 4e-7);
    EXPECT_NEAR(vector_math::gelu(-30.0f), 0.0f, 1e-37f);  // eˣ stops at e⁻⁸⁷
    EXPECT_EQ(vector_math::gelu(30.0f), 30.0f);
}

}  // namespace
}  // namespace nnlab
