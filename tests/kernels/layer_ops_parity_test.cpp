// The elementwise and layout kernels the layers call (dropout, rescaling, padding, moving statistics, mirroring)
// against their references on odd shapes (1, 3, 17, 65): the fast kernels must give the same values.
#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/core/rng.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/kernels/reference/reference_kernels.hpp"
#include "tests/support/parity.hpp"
#include "tests/support/random_tensor.hpp"

namespace nnlab {
namespace {

using nnlab::testing::expect_close;
using nnlab::testing::random_tensor;

void expect_equal(const Tensor& fast, const Tensor& reference) {
    ASSERT_EQ(fast.shape(), reference.shape());
    for (int64_t i = 0; i < fast.numel(); ++i) ASSERT_EQ(fast[i], reference[i]) << "at " << i;
}

TEST(LayerOpsParity, CopyMultiplyAxpyScaleShift) {
    for (int64_t n : {1, 3, 17, 65, 70000}) {  // 70,000 crosses the threads' threshold
        const Tensor a = random_tensor(Shape{n}, 1), b = random_tensor(Shape{n}, 2);
        Tensor fast(Shape{n}), reference(Shape{n});
        copy(a, fast);
        reference::copy(a, reference);
        expect_equal(fast, reference);
        expect_equal(fast, a);
        multiply(a, b, fast);
        reference::multiply(a, b, reference);
        expect_equal(fast, reference);  // one float product either way
        Tensor y_fast = b.clone(), y_reference = b.clone();
        axpy(-0.37f, a, y_fast);
        reference::axpy(-0.37f, a, y_reference);
        expect_close(y_fast, y_reference, 1e-6);
        scale_shift(a, fast, 0.125f, -0.5f);
        reference::scale_shift(a, reference, 0.125f, -0.5f);
        expect_close(fast, reference, 1e-6);
    }
}

TEST(LayerOpsParity, MovingAverageOfBatchStatistics) {
    for (int64_t c : {1, 3, 17, 65}) {
        const Tensor batch = random_tensor(Shape{c}, 3);
        Tensor fast = random_tensor(Shape{c}, 4);
        Tensor reference = fast.clone();
        moving_average(fast, batch, 0.99);
        reference::moving_average(reference, batch, 0.99);
        expect_close(fast, reference, 1e-7);
    }
}

TEST(LayerOpsParity, DropoutMasksFromTheSameDrawsAreEqual) {
    for (int64_t n : {1, 3, 17, 65}) {
        for (double rate : {0.0, 0.25, 0.5, 0.9}) {
            Tensor fast(Shape{n}), reference(Shape{n});
            Rng a(7, "dropout/x"), b(7, "dropout/x");
            dropout_mask(fast, rate, a, 0, n);
            reference::dropout_mask(reference, rate, b, 0, n);
            expect_equal(fast, reference);
            for (float v : fast.values())  // kept values are scaled up, dropped ones zero
                EXPECT_TRUE(v == 0.0f || std::abs(v - 1.0 / (1.0 - rate)) < 1e-6) << v;
        }
    }
    // The fraction dropped is the rate.
    Tensor mask(Shape{100000});
    Rng rng(1, "dropout/y");
    dropout_mask(mask, 0.3, rng, 0, 100000);
    int64_t dropped = 0;
    for (float v : mask.values()) dropped += v == 0.0f;
    EXPECT_NEAR(static_cast<double>(dropped) / 100000.0, 0.3, 0.01);
}

TEST(LayerOpsParity, DropoutMaskShardsAreTheWholeMasksPieces) {
    for (int64_t total : {1, 7, 64, 103}) {
        Tensor whole(Shape{total});
        Rng whole_rng(5, "dropout/s");
        dropout_mask(whole, 0.4, whole_rng, 0, total);
        for (int64_t first : {int64_t{0}, int64_t{1}, total / 3, total - 1}) {
            for (int64_t count : {int64_t{0}, int64_t{1}, total - first}) {
                if (first + count > total) continue;
                Tensor fast(Shape{count}), slow(Shape{count});
                Rng a(5, "dropout/s"), b(5, "dropout/s");
                dropout_mask(fast, 0.4, a, first, total);
                reference::dropout_mask(slow, 0.4, b, first, total);
                for (int64_t i = 0; i < count; ++i) {
                    EXPECT_EQ(fast[i], whole[first + i]) << total << " " << first << " " << i;
                    EXPECT_EQ(slow[i], whole[first + i]) << total << " " << first << " " << i;
                }
                // Every shard leaves the stream where the whole mask does.
                EXPECT_EQ(a.next_u64(), Rng(whole_rng).next_u64());
                EXPECT_EQ(b.next_u64(), Rng(whole_rng).next_u64());
            }
        }
    }
}

TEST(LayerOpsParity, ZeroPaddingBothWays) {
    for (const PadGeometry g :
         {PadGeometry{.batch = 1, .in_h = 1, .in_w = 1, .channels = 1, .top = 1, .bottom = 0, .left = 0, .right = 2},
          PadGeometry{.batch = 3, .in_h = 5, .in_w = 4, .channels = 3, .top = 2, .bottom = 1, .left = 1, .right = 3}}) {
        const Tensor x = random_tensor(Shape{g.batch, g.in_h, g.in_w, g.channels}, 5);
        Tensor fast(Shape{g.batch, g.out_h(), g.out_w(), g.channels}), reference = random_tensor(fast.shape(), 9);
        zero_pad_forward(g, x, fast);
        reference::zero_pad_forward(g, x, reference);
        expect_equal(fast, reference);
        const Tensor dy = random_tensor(fast.shape(), 6);
        Tensor dx_fast(x.shape()), dx_reference(x.shape());
        zero_pad_backward(g, dy, dx_fast);
        reference::zero_pad_backward(g, dy, dx_reference);
        expect_equal(dx_fast, dx_reference);
    }
}

TEST(LayerOpsParity, FlipWidth) {
    const Tensor x = random_tensor(Shape{3, 5, 17, 3}, 7);
    Tensor fast(x.shape()), reference(x.shape());
    flip_width(x, fast);
    reference::flip_width(x, reference);
    expect_equal(fast, reference);
    EXPECT_EQ(fast[0], x[16 * 3]);  // the first pixel of the first row is the last one mirrored
}

}  // namespace
}  // namespace nnlab
