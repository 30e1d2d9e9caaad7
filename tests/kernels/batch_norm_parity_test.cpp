// Batch normalisation: the oneDNN kernels against the reference loops (in double) on odd shapes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/core/rng.hpp"
#include "nnlab/kernels/batch_norm.hpp"
#include "nnlab/kernels/reference/reference_kernels.hpp"
#include "tests/support/parity.hpp"
#include "tests/support/random_tensor.hpp"

namespace nnlab {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

using nnlab::testing::expect_close_to_largest;
using nnlab::testing::random_tensor;

class BatchNormParity : public ::testing::TestWithParam<Shape> {};

TEST_P(BatchNormParity, ForwardAndBackwardMatchReference) {
    const Shape shape = GetParam();
    const int64_t channels = shape[shape.rank() - 1];
    const Shape per_channel{channels};
    // An offset and a spread per channel, so the normalisation has something to undo.
    const Tensor x = random_tensor(shape, 1, -3.0, 5.0);
    const Tensor gamma = random_tensor(per_channel, 2, 0.5, 1.5), beta = random_tensor(per_channel, 3);
    const float epsilon = 1e-3f;

    Tensor y_fast(shape), y_reference(shape);
    Tensor mean_fast(per_channel), mean_reference(per_channel), var_fast(per_channel), var_reference(per_channel);
    batch_norm_forward_training(x, gamma, beta, epsilon, y_fast, mean_fast, var_fast);
    reference::batch_norm_forward_training(x, gamma, beta, epsilon, y_reference, mean_reference, var_reference);
    expect_close_to_largest(mean_fast, mean_reference, 1e-5);
    expect_close_to_largest(var_fast, var_reference, 1e-5);
    expect_close_to_largest(y_fast, y_reference, 1e-4);

    const Tensor moving_mean = random_tensor(per_channel, 4), moving_var = random_tensor(per_channel, 5, 0.5, 2.0);
    batch_norm_forward_inference(x, gamma, beta, moving_mean, moving_var, epsilon, y_fast);
    reference::batch_norm_forward_inference(x, gamma, beta, moving_mean, moving_var, epsilon, y_reference);
    expect_close_to_largest(y_fast, y_reference, 1e-5);

    const Tensor dy = random_tensor(shape, 6);
    Tensor dx_fast(shape), dx_reference(shape);
    // Gradients start non-zero: both must add into them.
    Tensor dgamma_fast = random_tensor(per_channel, 7), dgamma_reference = dgamma_fast.clone();
    Tensor dbeta_fast = random_tensor(per_channel, 8), dbeta_reference = dbeta_fast.clone();
    batch_norm_backward(x, dy, gamma, mean_reference, var_reference, epsilon, dx_fast, dgamma_fast, dbeta_fast);
    reference::batch_norm_backward(x, dy, gamma, mean_reference, var_reference, epsilon, dx_reference, dgamma_reference,
                                   dbeta_reference);
    expect_close_to_largest(dx_fast, dx_reference, 1e-4);
    expect_close_to_largest(dgamma_fast, dgamma_reference, 1e-4);
    expect_close_to_largest(dbeta_fast, dbeta_reference, 1e-4);

    // The per-channel correction synchronised batch norm adds to dx: into the dx both kernels wrote.
    const Tensor scale = random_tensor(per_channel, 9), shift = random_tensor(per_channel, 10);
    add_channel_affine(x, scale, shift, dx_fast);
    reference::add_channel_affine(x, scale, shift, dx_reference);
    expect_close_to_largest(dx_fast, dx_reference, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(OddShapes, BatchNormParity,
                         ::testing::Values(Shape{1, 3}, Shape{3, 1}, Shape{17, 3}, Shape{65, 17}, Shape{1, 1, 1, 3},
                                           Shape{3, 5, 7, 17}, Shape{2, 3, 3, 65}, Shape{17, 1, 3, 1}),
                         [](const ::testing::TestParamInfo<Shape>& param_info) {
                             std::string name;
                             for (int64_t d : param_info.param.dims())
                                 name += (name.empty() ? "" : "x") + std::to_string(d);
                             return name;
                         });

TEST(BatchNormParity, ChannelAffineAddsPerChannel) {
    // Two rows of two channels: y += x·(2, −1) + (0.5, 3), by hand.
    Tensor x(Shape{2, 2}), y(Shape{2, 2}), scale(Shape{2}), shift(Shape{2});
    const float xs[] = {1, 2, 3, 4}, ys[] = {10, 20, 30, 40};
    for (int i = 0; i < 4; ++i) x[i] = xs[i], y[i] = ys[i];
    scale[0] = 2, scale[1] = -1, shift[0] = 0.5f, shift[1] = 3;
    Tensor y_reference = y.clone();
    add_channel_affine(x, scale, shift, y);
    reference::add_channel_affine(x, scale, shift, y_reference);
    const float expected[] = {12.5f, 21, 36.5f, 39};
    for (int i = 0; i < 4; ++i) {
        EXPECT_FLOAT_EQ(y[i], expected[i]) << "at " << i;
        EXPECT_FLOAT_EQ(y_reference[i], expected[i]) << "at " << i;
    }
    Tensor short_y(Shape{1, 2});
    EXPECT_THROW(add_channel_affine(x, scale, shift, short_y), Error);
}

TEST(BatchNormParity, TrainingVarianceIsBiased) {
    // One channel holding 1, 2, 3, 6: mean 3, Σ(x − 3)² = 4 + 1 + 0 + 9 = 14, biased variance 14/4.
    Tensor x(Shape{4, 1});
    for (int i = 0; i < 4; ++i) x[i] = std::vector<float>{1, 2, 3, 6}[static_cast<size_t>(i)];
    Tensor gamma(Shape{1}), beta(Shape{1}), y(Shape{4, 1}), mean(Shape{1}), variance(Shape{1});
    gamma.fill(1.0f);
    batch_norm_forward_training(x, gamma, beta, 1e-3f, y, mean, variance);
    EXPECT_FLOAT_EQ(mean[0], 3.0f);
    EXPECT_FLOAT_EQ(variance[0], 3.5f);
    EXPECT_NEAR(y[3], 3.0 / std::sqrt(3.5 + 1e-3), 1e-5);
    reference::batch_norm_forward_training(x, gamma, beta, 1e-3f, y, mean, variance);
    EXPECT_FLOAT_EQ(variance[0], 3.5f);
}

TEST(BatchNormParity, FastKernelsAreOneDnnJitNotItsReferenceLoops) {
    for (bool backward : {false, true}) {
        const std::string implementation = batch_norm_implementation(64 * 32 * 32, 64, backward);
        RecordProperty(backward ? "backward" : "forward", implementation);
        EXPECT_THAT(implementation, AllOf(HasSubstr("jit"), Not(HasSubstr("ref")))) << implementation;
    }
}

TEST(BatchNormParity, RejectsMismatchedShapes) {
    const Tensor x(Shape{4, 3}), gamma(Shape{3}), beta(Shape{2});
    Tensor y(Shape{4, 3}), mean(Shape{3}), variance(Shape{3});
    EXPECT_THROW(batch_norm_forward_training(x, gamma, beta, 1e-3f, y, mean, variance), Error);
    EXPECT_THROW(reference::batch_norm_forward_training(x, gamma, beta, 1e-3f, y, mean, variance), Error);
    Tensor short_y(Shape{3, 3});
    EXPECT_THROW(batch_norm_forward_inference(x, gamma, gamma, mean, variance, 1e-3f, short_y), Error);
}

}  // namespace
}  // namespace nnlab
