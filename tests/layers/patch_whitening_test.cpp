// PatchWhitening: the second moments against a direct sum, the filters against a direct eigendecomposition (they
// whiten the patches they were computed from), the layer's shape, weights and config, its gradients, and adapt()
// through a model.
#include "nnlab/layers/patch_whitening.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/data/augment/zca.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/layers/registry.hpp"
#include "nnlab/losses/mean_squared_error.hpp"
#include "nnlab/optim/sgd.hpp"
#include "nnlab/train/sequential.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/layer_helpers.hpp"
#include "tests/support/random_tensor.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;
using namespace nnlab::testing;

// Images whose channels are correlated (channel 1 follows channel 0), so the whitening has work to do.
Tensor correlated_images(int64_t n, int64_t h, int64_t w, uint64_t seed) {
    Tensor x = random_tensor(Shape{n, h, w, 2}, seed, 0.0, 1.0);
    for (int64_t i = 0; i < n * h * w; ++i) x[i * 2 + 1] = 0.8f * x[i * 2] + 0.2f * x[i * 2 + 1];
    return x;
}

TEST(PatchWhitening, SecondMomentsAreTheMeanOuterProductOfEveryPatch) {
    const Tensor x = correlated_images(3, 4, 5, 1);
    const int64_t k = 2, d = k * k * 2;
    const std::vector<double> moments = patch_second_moments(x, k);
    ASSERT_EQ(moments.size(), size_t(d * d));
    // Direct: every 2×2 window of every image, the patch flattened as (row, column, channel).
    std::vector<double> expected(size_t(d * d), 0.0);
    int64_t count = 0;
    for (int64_t n = 0; n < 3; ++n) {
        for (int64_t r = 0; r + k <= 4; ++r) {
            for (int64_t c = 0; c + k <= 5; ++c, ++count) {
                std::vector<double> p;
                for (int64_t dy = 0; dy < k; ++dy)
                    for (int64_t dx = 0; dx < k; ++dx)
                        for (int64_t ch = 0; ch < 2; ++ch) p.push_back(x[((n * 4 + r + dy) * 5 + c + dx) * 2 + ch]);
                for (int64_t a = 0; a < d; ++a)
                    for (int64_t b = 0; b < d; ++b) expected[size_t(a * d + b)] += p[size_t(a)] * p[size_t(b)];
            }
        }
    }
    for (int64_t i = 0; i < d * d; ++i) EXPECT_NEAR(moments[size_t(i)], expected[size_t(i)] / double(count), 1e-12);
}

TEST(PatchWhitening, FiltersAreScaledEigenvectorsAndTheirNegativesLargestFirst) {
    PatchWhitening layer({.kernel_size = 2, .epsilon = 1e-3, .samples = 50});
    EXPECT_EQ(build_with_params(layer, Shape{-1, 6, 6, 2}), (Shape{-1, 5, 5, 16}));
    const Tensor x = correlated_images(60, 6, 6, 2);
    layer.adapt(x);
    const int64_t d = 8;
    // Only the first `samples` images count.
    std::vector<double> m = patch_second_moments(x.first_rows(50), 2);
    std::vector<double> vectors = m;
    std::vector<double> eigenvalues(static_cast<size_t>(d));
    symmetric_eigen(vectors, d, eigenvalues);
    const Tensor& kernel = layer.kernel().value;  // (2, 2, 2, 16): element e of filter f at e·16 + f
    double previous = INFINITY;
    for (int64_t f = 0; f < d; ++f) {
        // M·w = λ·w for the filter w, and w's length is 1/sqrt(λ + ε): the eigenpair, scaled.
        std::vector<double> w(static_cast<size_t>(d));
        for (int64_t e = 0; e < d; ++e) w[size_t(e)] = kernel[e * 16 + f];
        double length = 0, rayleigh = 0;
        for (int64_t a = 0; a < d; ++a) {
            length += w[size_t(a)] * w[size_t(a)];
            for (int64_t b = 0; b < d; ++b) rayleigh += w[size_t(a)] * m[size_t(a * d + b)] * w[size_t(b)];
        }
        const double lambda = rayleigh / length;
        EXPECT_NEAR(lambda, eigenvalues[size_t(d - 1 - f)], 1e-4 * eigenvalues[size_t(d - 1)]) << "filter " << f;
        EXPECT_NEAR(length, 1.0 / (lambda + 1e-3), 1e-3 / (lambda + 1e-3)) << "filter " << f;
        EXPECT_LE(lambda, previous + 1e-9);
        previous = lambda;
        for (int64_t a = 0; a < d; ++a) {
            double mw = 0;
            for (int64_t b = 0; b < d; ++b) mw += m[size_t(a * d + b)] * w[size_t(b)];
            EXPECT_NEAR(mw, lambda * w[size_t(a)], 1e-4 * std::sqrt(length) * eigenvalues[size_t(d - 1)]);
        }
        for (int64_t e = 0; e < d; ++e) EXPECT_EQ(kernel[e * 16 + d + f], -kernel[e * 16 + f]);
    }
    // The filters whiten: the outputs' second moments over the same patches are λ/(λ + ε) on the diagonal (≈ 1
    // where λ ≫ ε) and 0 off it.
    Tensor y(Shape{50, 5, 5, 16});
    layer.forward(x.first_rows(50), y, Mode::inference);
    for (int64_t f = 0; f < d; ++f) {
        for (int64_t g = 0; g < d; ++g) {
            double sum = 0;
            for (int64_t i = 0; i < 50 * 25; ++i) sum += double(y[i * 16 + f]) * y[i * 16 + g];
            const double lambda = eigenvalues[size_t(d - 1 - f)];
            EXPECT_NEAR(sum / (50 * 25), f == g ? lambda / (lambda + 1e-3) : 0.0, 2e-3) << f << ", " << g;
        }
    }
}

TEST(PatchWhitening, TheKernelIsFrozenAndTheBiasTrains) {
    PatchWhitening layer({.kernel_size = 3, .activation = "gelu"});
    build_with_params(layer, Shape{-1, 8, 8, 3});
    ASSERT_EQ(layer.params().size(), 2u);
    EXPECT_EQ(layer.params()[0]->name, "kernel");
    EXPECT_EQ(layer.params()[0]->shape, (Shape{3, 3, 3, 54}));
    EXPECT_FALSE(layer.params()[0]->trainable);
    EXPECT_EQ(layer.params()[1]->name, "bias");
    EXPECT_TRUE(layer.params()[1]->trainable);
    EXPECT_EQ(layer.config(),
              (nlohmann::json{{"kernel_size", 3}, {"epsilon", 5e-4}, {"samples", 5000}, {"activation", "gelu"}}));
    EXPECT_EQ(layer.adapt_samples(), 5000);
    EXPECT_THROW(PatchWhitening({.kernel_size = 0}), KeyError);
    EXPECT_THROW(PatchWhitening({.epsilon = 0.0}), KeyError);
    EXPECT_THROW(PatchWhitening({.samples = 0}), KeyError);
    // A patch of 10² × 3 = 300 values is refused when the layer is built, before anything is allocated for it.
    PatchWhitening large({.kernel_size = 10});
    try {
        large.build(Shape{-1, 32, 32, 3});
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_THAT(error.what(), HasSubstr("at most 256 values"));
        EXPECT_THAT(error.what(), HasSubstr("= 300"));
    }
    EXPECT_THROW(layer.adapt(Tensor(Shape{2, 8, 8, 1})), Error);
    // backward gives the bias its gradient (the sum of dy over the pixels) and the frozen kernel none.
    Tensor x(Shape{2, 8, 8, 3});
    x.fill(0.5f);
    Tensor y(Shape{2, 6, 6, 54}), dy(Shape{2, 6, 6, 54}), dx;
    layer.forward(x, y, Mode::training);
    dy.fill(1.0f);
    layer.backward(dy, dx);
    for (float g : layer.kernel().grad.values()) EXPECT_EQ(g, 0.0f);
    for (int64_t f = 0; f < 54; ++f) EXPECT_NEAR(layer.bias().grad[f], 72.0f * 0.5f, 1e-3);
}

TEST(PatchWhitening, GradientsMatchCentralDifferences) {
    PatchWhitening layer({.kernel_size = 2, .activation = "gelu"});
    EXPECT_LAYER_GRADIENTS_OK(layer, Shape{2, 5, 4, 2});
}

TEST(PatchWhitening, AModelAdaptsItOnWhatItSeesAndKeepsItWhileTraining) {
    Sequential model;
    model.add(Input{{4, 4, 2}});
    model.add(make_layer({{"type", "PatchWhitening"}, {"samples", 8}}));
    model.add(Flatten());
    model.add(Dense(2));
    model.compile(SGD(0.1), MeanSquaredError());
    EXPECT_EQ(model.adapt_samples(), 8);
    const Tensor x = correlated_images(10, 4, 4, 3);
    model.adapt(x);
    auto& whitening = dynamic_cast<PatchWhitening&>(*model.layers()[0]);
    const std::vector<float> kernel(whitening.kernel().value.values().begin(), whitening.kernel().value.values().end());
    PatchWhitening direct({.samples = 8});
    build_with_params(direct, Shape{-1, 4, 4, 2});
    direct.adapt(x);
    EXPECT_EQ(kernel, std::vector<float>(direct.kernel().value.values().begin(), direct.kernel().value.values().end()));
    EXPECT_THROW(model.adapt(Tensor(Shape{3, 4, 4, 3})), Error);
    // Training moves the bias and never the kernel.
    Dataset data;
    data.image_shape = Shape{4, 4, 2};
    data.images.resize(4 * 32);
    for (size_t i = 0; i < data.images.size(); ++i) data.images[i] = static_cast<uint8_t>(i * 37 % 251);
    data.labels = {0, 1, 0, 1};
    data.class_names = {"a", "b"};
    model.fit(data, {.batch_size = 2, .epochs = 2});
    EXPECT_EQ(kernel,
              std::vector<float>(whitening.kernel().value.values().begin(), whitening.kernel().value.values().end()));
    bool bias_moved = false;
    for (float b : whitening.bias().value.values()) bias_moved = bias_moved || b != 0.0f;
    EXPECT_TRUE(bias_moved);
}

}  // namespace
}  // namespace nnlab
