// Every fast CPU kernel against its reference on odd shapes (1, 3, 17, 65).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "nnlab/core/error.hpp"
#include "nnlab/core/rng.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/kernels/reference/reference_kernels.hpp"
#include "tests/support/parity.hpp"
#include "tests/support/random_tensor.hpp"

namespace nnlab {
namespace {

using nnlab::testing::expect_close;
using nnlab::testing::random_tensor;

class GemmParity : public ::testing::TestWithParam<std::tuple<int, int, int, bool, bool, bool>> {};

TEST_P(GemmParity, MatchesReference) {
    const auto [m, n, k, trans_a, trans_b, accumulate] = GetParam();
    const Tensor a = random_tensor(trans_a ? Shape{k, m} : Shape{m, k}, 1);
    const Tensor b = random_tensor(trans_b ? Shape{n, k} : Shape{k, n}, 2);
    Tensor fast = random_tensor(Shape{m, n}, 3);
    Tensor reference = fast.clone();
    const GemmOptions options{.trans_a = trans_a, .trans_b = trans_b, .accumulate = accumulate};
    gemm(a, b, fast, options);
    reference::gemm(a, b, reference, options);
    expect_close(fast, reference, 1e-5 * std::sqrt(k));
}

INSTANTIATE_TEST_SUITE_P(OddShapes, GemmParity,
                         ::testing::Combine(::testing::Values(1, 17), ::testing::Values(3, 65),
                                            ::testing::Values(1, 17, 65), ::testing::Bool(), ::testing::Bool(),
                                            ::testing::Bool()));

TEST(GemmParity, RejectsMismatchedShapes) {
    const Tensor a(Shape{3, 4}), b(Shape{5, 2});
    Tensor c(Shape{3, 2});
    EXPECT_THROW(gemm(a, b, c), Error);
    EXPECT_THROW(reference::gemm(a, b, c), Error);
}

TEST(BiasAndRowSums, MatchReference) {
    for (int rows : {1, 3, 17, 65}) {
        for (int cols : {1, 3, 17, 65}) {
            const Tensor bias = random_tensor(Shape{cols}, 4);
            Tensor fast = random_tensor(Shape{rows, cols}, 5);
            Tensor reference = fast.clone();
            add_row_bias(fast, bias);
            reference::add_row_bias(reference, bias);
            expect_close(fast, reference, 1e-6);

            Tensor sum_fast = random_tensor(Shape{cols}, 6), sum_reference = sum_fast.clone();
            sum_rows(fast, sum_fast, true);
            reference::sum_rows(fast, sum_reference, true);
            expect_close(sum_fast, sum_reference, 1e-5);
            sum_rows(fast, sum_fast, false);
            reference::sum_rows(fast, sum_reference, false);
            expect_close(sum_fast, sum_reference, 1e-5);
        }
    }
}

TEST(Add, MatchesReferenceWithAndWithoutRelu) {
    for (int64_t count : {1, 3, 17, 65, 70001}) {  // the last one is split between threads
        const Tensor a = random_tensor(Shape{count}, 7), b = random_tensor(Shape{count}, 8);
        for (bool relu : {false, true}) {
            Tensor fast(Shape{count}), expected(Shape{count});
            add(a, b, fast, relu);
            reference::add(a, b, expected, relu);
            for (int64_t i = 0; i < count; ++i) {
                const float sum = a[i] + b[i];
                ASSERT_EQ(expected[i], relu ? std::max(sum, 0.0f) : sum) << "at " << i;
                ASSERT_EQ(fast[i], expected[i]) << "at " << i << (relu ? " with relu" : "");
            }
            Tensor in_place = a.clone();  // out may be one of the operands
            add(in_place, b, in_place, relu);
            for (int64_t i = 0; i < count; ++i) ASSERT_EQ(in_place[i], expected[i]) << "in place at " << i;
        }
    }
    Tensor wrong(Shape{4});
    EXPECT_THROW(add(random_tensor(Shape{3}, 1), random_tensor(Shape{3}, 2), wrong), Error);
}

class ActivationParity : public ::testing::TestWithParam<ActivationKind> {};

TEST_P(ActivationParity, ForwardAndBackwardMatchReference) {
    const ActivationKind kind = GetParam();
    std::vector<Shape> shapes{Shape{3, 5, 7, 9}};  // images: softmax over each pixel's channels
    for (int rows : {1, 3, 17, 65, 331}) {         // 331 × 257 is split across threads
        for (int cols : {1, 3, 17, 65, 257}) shapes.push_back(Shape{rows, cols});
    }
    for (const Shape& shape : shapes) {
        {
            const Tensor x = random_tensor(shape, 7, -4.0, 4.0);
            const Tensor dy = random_tensor(shape, 8);
            Tensor y_fast(x.shape()), y_reference(x.shape());
            activation_forward(kind, x, y_fast);
            reference::activation_forward(kind, x, y_reference);
            expect_close(y_fast, y_reference, 2e-6);
            Tensor dx_fast(x.shape()), dx_reference(x.shape());
            activation_backward(kind, x, y_reference, dy, dx_fast);
            reference::activation_backward(kind, x, y_reference, dy, dx_reference);
            expect_close(dx_fast, dx_reference, 2e-6);
        }
    }
}

INSTANTIATE_TEST_SUITE_P(AllKinds, ActivationParity,
                         ::testing::Values(ActivationKind::linear, ActivationKind::relu, ActivationKind::tanh,
                                           ActivationKind::sigmoid, ActivationKind::softmax, ActivationKind::leaky_relu,
                                           ActivationKind::elu, ActivationKind::gelu, ActivationKind::swish,
                                           ActivationKind::softplus));

// Written in bfloat16 for a convolution after it, an activation is the float32 kernel's output rounded, bit for bit,
// with x's rounding beside it when asked, in both backends; the kinds without a pass of nnlab's own are refused.
TEST(ActivationParity, BfloatOutputIsTheFloat32OneRounded) {
    const Tensor x = random_tensor(Shape{331, 257}, 9, -6.0, 6.0);  // split across threads
    for (ActivationKind kind : {ActivationKind::linear, ActivationKind::relu, ActivationKind::gelu}) {
        SCOPED_TRACE(static_cast<int>(kind));
        for (bool fast : {true, false}) {
            Tensor wide(x.shape());
            Bf16Tensor narrow, copy, alone;
            narrow.resize(x.shape());
            copy.resize(x.shape());
            alone.resize(x.shape());
            if (fast) {
                activation_forward(kind, x, wide);
                activation_forward(kind, x, narrow, &copy);
                activation_forward(kind, x, alone, nullptr);
            } else {
                reference::activation_forward(kind, x, wide);
                reference::activation_forward(kind, x, narrow, &copy);
                reference::activation_forward(kind, x, alone, nullptr);
            }
            for (int64_t i = 0; i < x.numel(); ++i) {
                ASSERT_EQ(narrow.data()[i], bfloat16_bits(wide[i])) << (fast ? "fast" : "reference") << " y at " << i;
                ASSERT_EQ(alone.data()[i], narrow.data()[i]) << i;
                ASSERT_EQ(copy.data()[i], bfloat16_bits(x[i])) << "copy at " << i;
            }
        }
    }
    Bf16Tensor y, short_copy;
    y.resize(x.shape());
    short_copy.resize(Shape{3});
    EXPECT_THROW(activation_forward(ActivationKind::tanh, x, y, nullptr), Error);
    EXPECT_THROW(reference::activation_forward(ActivationKind::softmax, x, y, nullptr), Error);
    EXPECT_THROW(activation_forward(ActivationKind::gelu, x, y, &short_copy), Error);
    EXPECT_THROW(reference::activation_forward(ActivationKind::gelu, x, y, &short_copy), Error);
}

// An activation's backward from the copy it keeps under bfloat16 (x for gelu, y for relu), read as it is: the fast
// kernel against the reference's widened copy, and exactly the float32 kernel's for relu.
TEST(ActivationParity, BackwardFromTheBfloat16CopyMatchesReference) {
    const Tensor x = random_tensor(Shape{331, 257}, 10, -6.0, 6.0), dy = random_tensor(Shape{331, 257}, 11);
    for (ActivationKind kind : {ActivationKind::linear, ActivationKind::relu, ActivationKind::gelu}) {
        SCOPED_TRACE(static_cast<int>(kind));
        Tensor y(x.shape());
        activation_forward(kind, x, y);
        Bf16Tensor kept;
        convert_to_bfloat16(activation_needs_input(kind) ? x : y, kept);
        Tensor dx_fast(x.shape()), dx_reference(x.shape()), dx_widened(x.shape()), wide(x.shape());
        activation_backward(kind, kept, dy, dx_fast);
        reference::activation_backward(kind, kept, dy, dx_reference);
        expect_close(dx_fast, dx_reference, 2e-6);
        convert_from_bfloat16(kept, wide);
        activation_backward(kind, wide, wide, dy, dx_widened);
        if (kind != ActivationKind::gelu) {
            for (int64_t i = 0; i < x.numel(); ++i) ASSERT_EQ(dx_fast[i], dx_widened[i]) << i;
        }
    }
    Bf16Tensor kept;
    convert_to_bfloat16(x, kept);
    Tensor dx(x.shape());
    EXPECT_THROW(activation_backward(ActivationKind::tanh, kept, dy, dx), Error);
    EXPECT_THROW(reference::activation_backward(ActivationKind::swish, kept, dy, dx), Error);
    Bf16Tensor short_copy;
    convert_to_bfloat16(random_tensor(Shape{3}, 12), short_copy);
    EXPECT_THROW(activation_backward(ActivationKind::gelu, short_copy, dy, dx), Error);
}

TEST(ReferenceKernels, HandComputedValues) {
    // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]
    Tensor a(Shape{2, 2}), b(Shape{2, 2}), c(Shape{2, 2});
    for (int i = 0; i < 4; ++i) {
        a[i] = static_cast<float>(i + 1);
        b[i] = static_cast<float>(i + 5);
    }
    reference::gemm(a, b, c);
    EXPECT_EQ(c[0], 19.0f);
    EXPECT_EQ(c[1], 22.0f);
    EXPECT_EQ(c[2], 43.0f);
    EXPECT_EQ(c[3], 50.0f);
    // softmax([0, ln 3]) = [0.25, 0.75]
    Tensor z(Shape{1, 2}), p(Shape{1, 2});
    z[1] = static_cast<float>(std::log(3.0));
    reference::activation_forward(ActivationKind::softmax, z, p);
    EXPECT_NEAR(p[0], 0.25f, 1e-7);
    EXPECT_NEAR(p[1], 0.75f, 1e-7);
}

}  // namespace
}  // namespace nnlab
