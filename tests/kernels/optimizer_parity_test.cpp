// The optimizer updates and clipping kernels against their references, every variant, on arenas of odd sizes and
// one past the threads' threshold: several steps, so that the state the kernels keep is checked too.
#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/kernels/ops.hpp"
#include "nnlab/kernels/reference/reference_kernels.hpp"
#include "tests/support/parity.hpp"
#include "tests/support/random_tensor.hpp"

namespace nnlab {
namespace {

using nnlab::testing::expect_close;
using nnlab::testing::random_tensor;

// Params and state for both sides, the same values, updated three times with fresh gradients. The state starts
// random (non-negative: valid second moments) or, where its parts must agree with each other, at zero as build()
// leaves it.
template <class Update>
void three_steps(int64_t n, int state_count, Update update, bool state_from_zero = false) {
    Tensor p_fast = random_tensor(Shape{n}, 1), p_reference = p_fast.clone();
    std::vector<Tensor> fast, reference;
    for (int s = 0; s < state_count; ++s) {
        fast.push_back(state_from_zero ? Tensor(Shape{n}) : random_tensor(Shape{n}, 10 + s, 0.0, 0.5));
        reference.push_back(fast.back().clone());
    }
    for (int step = 0; step < 3; ++step) {
        const Tensor g = random_tensor(Shape{n}, 20 + step);
        update(p_fast, g, fast, false);
        update(p_reference, g, reference, true);
    }
    expect_close(p_fast, p_reference, 2e-6);
    for (int s = 0; s < state_count; ++s) expect_close(fast[size_t(s)], reference[size_t(s)], 2e-6);
}

TEST(OptimizerParity, SgdEveryVariant) {
    for (int64_t n : {1, 3, 17, 65, 40000}) {
        for (const SgdStep step : {SgdStep{.learning_rate = 0.1f}, SgdStep{.learning_rate = 0.1f, .momentum = 0.9f},
                                   SgdStep{.learning_rate = 0.1f, .momentum = 0.9f, .nesterov = true}}) {
            three_steps(n, 1, [&](Tensor& p, const Tensor& g, std::vector<Tensor>& s, bool ref) {
                ref ? reference::sgd_update(p, g, s[0], step) : sgd_update(p, g, s[0], step);
            });
        }
    }
}

TEST(OptimizerParity, RmspropEveryVariant) {
    for (int64_t n : {1, 3, 17, 65, 40000}) {
        for (bool centered : {false, true}) {
            for (float momentum : {0.0f, 0.5f}) {
                const RmspropStep step{
                    .learning_rate = 0.01f, .rho = 0.9f, .momentum = momentum, .epsilon = 1e-7f, .centered = centered};
                // Centred RMSprop divides by √(v − a²): a random v below a² would be floored to 0 and the
                // comparison would measure ε's amplification of rounding, not the kernel.
                three_steps(
                    n, 3,
                    [&](Tensor& p, const Tensor& g, std::vector<Tensor>& s, bool ref) {
                        ref ? reference::rmsprop_update(p, g, s[0], s[1], s[2], step)
                            : rmsprop_update(p, g, s[0], s[1], s[2], step);
                    },
                    /*state_from_zero=*/true);
            }
        }
    }
}

TEST(OptimizerParity, AdamWithAndWithoutAmsgrad) {
    for (int64_t n : {1, 3, 17, 65, 40000}) {
        for (bool amsgrad : {false, true}) {
            const AdamStep step{.alpha = 0.01f,
                                .one_minus_beta_1 = 0.1f,
                                .one_minus_beta_2 = 0.001f,
                                .epsilon = 1e-7f,
                                .amsgrad = amsgrad};
            three_steps(n, 3, [&](Tensor& p, const Tensor& g, std::vector<Tensor>& s, bool ref) {
                ref ? reference::adam_update(p, g, s[0], s[1], s[2], step) : adam_update(p, g, s[0], s[1], s[2], step);
            });
        }
    }
}

TEST(OptimizerParity, ClippingKernels) {
    for (int64_t n : {1, 3, 17, 65, 40000}) {
        const Tensor g = random_tensor(Shape{n}, 5, -3.0, 3.0);
        EXPECT_NEAR(sum_of_squares(g), reference::sum_of_squares(g), 1e-9 * reference::sum_of_squares(g));
        Tensor fast = g.clone(), reference = g.clone();
        scale(fast, 0.3f);
        reference::scale(reference, 0.3f);
        expect_close(fast, reference, 1e-7);
        fast = g.clone(), reference = g.clone();
        clip_values(fast, 1.5f);
        reference::clip_values(reference, 1.5f);
        expect_close(fast, reference, 0);
    }
}

}  // namespace
}  // namespace nnlab
