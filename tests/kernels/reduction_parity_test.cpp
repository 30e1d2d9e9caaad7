// The regularizers' kernels and the counting of predictions against their references; argmax's one rule
// (numpy's: the first maximum, unless a NaN comes first) and top-k's (tf.math.in_top_k) on hand-made rows.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/kernels/reference/reference_kernels.hpp"
#include "tests/support/random_tensor.hpp"
#include "tests/support/tensor_helpers.hpp"

namespace nnlab {
namespace {

using nnlab::testing::random_tensor;
using nnlab::testing::tensor;

constexpr float nan = std::numeric_limits<float>::quiet_NaN();
constexpr float inf = std::numeric_limits<float>::infinity();

TEST(ReductionParity, RegularizerPenaltyAndGradient) {
    for (int64_t n : {1, 3, 17, 65}) {
        const Tensor w = random_tensor(Shape{n}, 1);
        const double fast = l1_l2_penalty(w, 1e-3, 5e-4), reference = reference::l1_l2_penalty(w, 1e-3, 5e-4);
        EXPECT_NEAR(fast, reference, 1e-12);
        Tensor g_fast = random_tensor(Shape{n}, 2), g_reference = g_fast.clone();
        add_l1_l2_gradient(w, g_fast, 1e-3, 5e-4);
        reference::add_l1_l2_gradient(w, g_reference, 1e-3, 5e-4);
        for (int64_t i = 0; i < n; ++i) EXPECT_NEAR(g_fast[i], g_reference[i], 1e-7);
    }
}

TEST(ReductionParity, ArgmaxHasOneRuleForTiesAndNans) {
    // Rows: a tie (the first wins), a NaN after the maximum (the NaN wins), a NaN first, −inf everywhere.
    const Tensor scores = tensor({4, 3}, {0.5f, 0.5f, 0.1f, 0.9f, nan, 0.2f, nan, 1.0f, nan, -inf, -inf, -inf});
    for (auto argmax : {&argmax_rows, &reference::argmax_rows}) {
        std::vector<int32_t> indices(4, -1);
        argmax(scores, indices.data());
        EXPECT_EQ(indices, (std::vector<int32_t>{0, 1, 0, 0}));
    }
    const Tensor random = random_tensor(Shape{65, 17}, 3);
    std::vector<int32_t> fast(65), reference(65);
    argmax_rows(random, fast.data());
    reference::argmax_rows(random, reference.data());
    EXPECT_EQ(fast, reference);
}

TEST(ReductionParity, TopKCountsTiesAndRefusesNonFiniteRows) {
    // (0.5, 0.3, 0.3) with k = 2: labels 1 and 2 are both in the top 2; a row with an inf never counts.
    const Tensor scores = tensor({4, 3}, {0.5f, 0.3f, 0.3f, 0.5f, 0.3f, 0.3f, 0.1f, 0.2f, 0.7f, inf, 0.0f, 0.0f});
    const std::vector<int32_t> labels{1, 2, 0, 0};
    for (auto count : {&count_in_top_k, &reference::count_in_top_k}) {
        EXPECT_EQ(count(scores, labels.data(), 2), 2);
        EXPECT_EQ(count(scores, labels.data(), 3), 3);
        EXPECT_EQ(count(scores, labels.data(), 1), 0);
    }
    const Tensor random = random_tensor(Shape{65, 17}, 4);
    std::vector<int32_t> random_labels(65);
    for (int i = 0; i < 65; ++i) random_labels[size_t(i)] = i % 17;
    for (int k : {1, 3, 17}) {
        EXPECT_EQ(count_in_top_k(random, random_labels.data(), k),
                  reference::count_in_top_k(random, random_labels.data(), k));
    }
}

TEST(Backends, EveryDeviceHasOneAndTheReferenceIsItsOwn) {
    EXPECT_EQ(backend(Device::cpu).device(), Device::cpu);
    EXPECT_NE(backend(Device::cpu).name().find("oneDNN"), std::string::npos);
    EXPECT_NE(&reference_backend(), &backend(Device::cpu));
    EXPECT_EQ(Tensor(Shape{2}).device(), Device::cpu);
}

TEST(Backends, OperandsRoundOnceAndPickTheKernelOfTheirPrecision) {
    const Tensor a = random_tensor(Shape{5, 7}, 5), b = random_tensor(Shape{7, 3}, 6);
    Operand a16, b16, a32, b32;
    a32.set(a, Precision::float32);
    b32.set(b, Precision::float32);
    EXPECT_EQ(a32.float32().data(), a.data());  // float32: a view, no copy
    Tensor c(Shape{5, 3}), expected(Shape{5, 3});
    gemm(a32, b32, c);
    gemm(a, b, expected);
    for (int64_t i = 0; i < c.numel(); ++i) EXPECT_EQ(c[i], expected[i]);
    if (!bfloat16_supported()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
    a16.set(a, Precision::bfloat16);
    b16.set(b, Precision::bfloat16);
    Bf16Tensor a_rounded, b_rounded;
    convert_to_bfloat16(a, a_rounded);
    convert_to_bfloat16(b, b_rounded);
    gemm(a16, b16, c);
    gemm(a_rounded, b_rounded, expected);
    for (int64_t i = 0; i < c.numel(); ++i) EXPECT_EQ(c[i], expected[i]);
    EXPECT_THROW(gemm(a16, b32, c), Error);  // mixed precisions are a caller's bug
}

}  // namespace
}  // namespace nnlab
