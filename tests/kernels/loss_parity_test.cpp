// The loss kernels against their references, written from the losses' definitions (kernels/reference/losses.cpp):
// value and gradient on odd shapes, with and without label smoothing, at clipped probabilities and kinks.
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

Tensor one_hot(int64_t rows, int64_t classes, uint64_t seed) {
    Tensor y(Shape{rows, classes});
    Rng rng(seed);
    for (int64_t r = 0; r < rows; ++r) y[r * classes + static_cast<int64_t>(rng.below(classes))] = 1.0f;
    return y;
}

// Rows of positive scores that do not sum to 1 (the loss normalises them); some near 0 to reach the clip.
Tensor probabilities(int64_t rows, int64_t classes, uint64_t seed) {
    Tensor p = random_tensor(Shape{rows, classes}, seed, 0.0, 1.0);
    for (int64_t i = 0; i < p.numel(); i += 7) p[i] = 1e-12f;
    return p;
}

TEST(LossParity, CategoricalCrossentropyWithAndWithoutSmoothing) {
    for (int64_t rows : {1, 3, 17}) {
        for (int64_t classes : {1, 3, 17, 65}) {
            for (double smoothing : {0.0, 0.1}) {
                const Tensor p = probabilities(rows, classes, 1), y = one_hot(rows, classes, 2);
                Tensor g_fast(p.shape()), g_reference(p.shape());
                const double fast = categorical_crossentropy(p, y, smoothing, g_fast);
                const double reference = reference::categorical_crossentropy(p, y, smoothing, g_reference);
                EXPECT_NEAR(fast, reference, 1e-9 * std::max(1.0, std::abs(reference)));
                expect_close(g_fast, g_reference, 1e-5);
                Tensor dz_fast(p.shape()), dz_reference(p.shape());
                EXPECT_NEAR(categorical_crossentropy_from_softmax(p, y, smoothing, dz_fast),
                            reference::categorical_crossentropy_from_softmax(p, y, smoothing, dz_reference), 1e-9);
                expect_close(dz_fast, dz_reference, 1e-6);
            }
        }
    }
}

TEST(LossParity, MeanSquaredErrorAndHinges) {
    for (int64_t rows : {1, 3, 17}) {
        for (int64_t classes : {1, 3, 17, 65}) {
            const Tensor p = random_tensor(Shape{rows, classes}, 3), y = one_hot(rows, classes, 4);
            const Tensor signs = random_tensor(Shape{rows, classes}, 5);  // labels that are not 0/1: no conversion
            for (auto [name, fast_loss, reference_loss] :
                 {std::tuple{"mse", &mean_squared_error, &reference::mean_squared_error},
                  std::tuple{"hinge", &hinge, &reference::hinge},
                  std::tuple{"categorical_hinge", &categorical_hinge, &reference::categorical_hinge}}) {
                for (const Tensor* target : {&y, &signs}) {
                    Tensor g_fast(p.shape()), g_reference(p.shape());
                    const double fast = fast_loss(p, *target, g_fast);
                    const double reference = reference_loss(p, *target, g_reference);
                    EXPECT_NEAR(fast, reference, 1e-9 * std::max(1.0, std::abs(reference))) << name;
                    expect_close(g_fast, g_reference, 1e-6);
                    Tensor none;
                    EXPECT_EQ(fast_loss(p, *target, none), fast) << name << ": the value without a gradient";
                }
            }
        }
    }
}

}  // namespace
}  // namespace nnlab
