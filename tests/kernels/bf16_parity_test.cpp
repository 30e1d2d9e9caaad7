// bfloat16: the rounding against hand-worked bit patterns, and the fast conversion and GEMM against their
// references on odd shapes.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <tuple>

#include "nnlab/core/error.hpp"
#include "nnlab/core/rng.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/kernels/reference/reference_kernels.hpp"
#include "tests/support/random_tensor.hpp"

namespace nnlab {
namespace {

using nnlab::testing::random_tensor;

TEST(Bfloat16Rounding, HandWorkedBitPatterns) {
    // bfloat16 keeps 7 mantissa bits: next to 1.0 the step is 2⁻⁷.
    EXPECT_EQ(bfloat16_bits(1.0f), 0x3f80);
    EXPECT_EQ(bfloat16_bits(-2.5f), 0xc020);
    EXPECT_EQ(bfloat16_bits(1.0f + 0x1p-8f), 0x3f80);             // halfway, the even neighbour is 1.0
    EXPECT_EQ(bfloat16_bits(1.0f + 0x1p-8f + 0x1p-16f), 0x3f81);  // just past halfway rounds up
    EXPECT_EQ(bfloat16_bits(1.0f + 0x3p-8f), 0x3f82);             // halfway between 0x3f81 (odd) and 0x3f82
    EXPECT_EQ(bfloat16_bits(std::numeric_limits<float>::infinity()), 0x7f80);
    EXPECT_EQ(bfloat16_bits(std::numeric_limits<float>::max()), 0x7f80);  // rounds past the largest bfloat16
    const uint16_t nan = bfloat16_bits(std::numeric_limits<float>::quiet_NaN());
    EXPECT_TRUE(std::isnan(float_from_bfloat16(nan)));
    EXPECT_TRUE(std::isnan(float_from_bfloat16(bfloat16_bits(std::bit_cast<float>(0x7f800001u)))))
        << "a NaN whose payload sits in the dropped bits must not become infinity";
    EXPECT_EQ(float_from_bfloat16(0x3f82), 1.015625f);
}

TEST(Bfloat16Conversion, FastMatchesReferenceBitForBit) {
    for (int64_t n : {1, 17, 65, 100003}) {  // the last one is split across threads
        Tensor x = random_tensor(Shape{n}, 7);
        x[0] = std::numeric_limits<float>::quiet_NaN();
        if (n > 2) x[1] = -std::numeric_limits<float>::infinity();
        if (n > 3) x[2] = 1.0f + 0x1p-8f;
        Bf16Tensor fast, reference;
        convert_to_bfloat16(x, fast);
        reference::convert_to_bfloat16(x, reference);
        ASSERT_EQ(fast.shape(), x.shape());
        for (int64_t i = 0; i < n; ++i) ASSERT_EQ(fast.data()[i], reference.data()[i]) << "n " << n << " at " << i;
    }
}

// Widening is exact: every bfloat16 value comes back as the float it stands for, and rounds back to itself.
TEST(Bfloat16Conversion, WideningMatchesReferenceAndRoundTrips) {
    for (int64_t n : {1, 17, 65, 100003}) {
        Tensor x = random_tensor(Shape{n}, 9);
        x[0] = -std::numeric_limits<float>::infinity();
        Bf16Tensor rounded;
        convert_to_bfloat16(x, rounded);
        Tensor fast(x.shape()), reference(x.shape());
        convert_from_bfloat16(rounded, fast);
        reference::convert_from_bfloat16(rounded, reference);
        Bf16Tensor again;
        convert_to_bfloat16(fast, again);
        for (int64_t i = 0; i < n; ++i) {
            ASSERT_EQ(std::bit_cast<uint32_t>(fast[i]), std::bit_cast<uint32_t>(reference[i]))
                << "n " << n << " at " << i;
            ASSERT_EQ(fast[i], float_from_bfloat16(rounded.data()[i]));
            ASSERT_EQ(again.data()[i], rounded.data()[i]);
        }
    }
    Bf16Tensor one;
    convert_to_bfloat16(random_tensor(Shape{2, 3}, 1), one);
    Tensor wrong(Shape{3, 2});
    EXPECT_THROW(convert_from_bfloat16(one, wrong), Error);
}

TEST(Bfloat16Conversion, ReusesItsStorageForSmallerShapes) {
    Bf16Tensor out;
    convert_to_bfloat16(random_tensor(Shape{8, 9}, 1), out);
    const uint16_t* storage = out.data();
    const Tensor small = random_tensor(Shape{3, 5}, 2);
    convert_to_bfloat16(small, out);
    EXPECT_EQ(out.data(), storage);
    EXPECT_EQ(out.shape(), small.shape());
    EXPECT_EQ(out.data()[14], bfloat16_bits(small[14]));
}

class Bf16GemmParity : public ::testing::TestWithParam<std::tuple<int, int, int, bool, bool, bool>> {};

TEST_P(Bf16GemmParity, MatchesReference) {
    const auto [m, n, k, trans_a, trans_b, accumulate] = GetParam();
    Bf16Tensor a, b;
    convert_to_bfloat16(random_tensor(trans_a ? Shape{k, m} : Shape{m, k}, 1), a);
    convert_to_bfloat16(random_tensor(trans_b ? Shape{n, k} : Shape{k, n}, 2), b);
    Tensor fast = random_tensor(Shape{m, n}, 3);
    Tensor reference = fast.clone();
    const GemmOptions options{.trans_a = trans_a, .trans_b = trans_b, .accumulate = accumulate};
    gemm(a, b, fast, options);
    reference::gemm(a, b, reference, options);
    // Products of bfloat16 values are exact in float32, so only the order of the float32 sums differs.
    for (int64_t i = 0; i < fast.numel(); ++i)
        ASSERT_NEAR(fast[i], reference[i], 1e-5 * std::sqrt(k) * std::max(1.0f, std::abs(reference[i]))) << "at " << i;
}

INSTANTIATE_TEST_SUITE_P(OddShapes, Bf16GemmParity,
                         ::testing::Combine(::testing::Values(1, 17), ::testing::Values(3, 65),
                                            ::testing::Values(1, 17, 65), ::testing::Bool(), ::testing::Bool(),
                                            ::testing::Bool()));

TEST(Bf16GemmParity, StaysWithinBfloat16RoundingOfTheFloat32Product) {
    const int64_t m = 17, n = 33, k = 129;
    const Tensor a = random_tensor(Shape{m, k}, 4), b = random_tensor(Shape{k, n}, 5);
    Bf16Tensor a16, b16;
    convert_to_bfloat16(a, a16);
    convert_to_bfloat16(b, b16);
    Tensor exact(Shape{m, n}), rounded(Shape{m, n});
    reference::gemm(a, b, exact);
    gemm(a16, b16, rounded);
    // Each operand is off by at most 2⁻⁹ relative, so each product by about 2⁻⁸; over k terms of size ≤ 1 the
    // error is a random walk of k such steps, far below k·2⁻⁸ in the worst case.
    double worst = 0.0;
    for (int64_t i = 0; i < exact.numel(); ++i) worst = std::max(worst, std::abs(double(exact[i]) - rounded[i]));
    EXPECT_LT(worst, 0x1p-8 * std::sqrt(double(k)) * 3.0);
    EXPECT_GT(worst, 0.0) << "bfloat16 operands should not reproduce the float32 product exactly";
}

TEST(Bf16GemmParity, RejectsMismatchedShapes) {
    Bf16Tensor a, b;
    convert_to_bfloat16(Tensor(Shape{3, 4}), a);
    convert_to_bfloat16(Tensor(Shape{5, 2}), b);
    Tensor c(Shape{3, 2});
    EXPECT_THROW(gemm(a, b, c), Error);
    EXPECT_THROW(reference::gemm(a, b, c), Error);
}

}  // namespace
}  // namespace nnlab
