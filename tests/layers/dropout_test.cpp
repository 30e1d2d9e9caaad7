// Dropout: the fraction kept, the exact scale, identity in inference, seeded masks, backward through the mask.
#include "nnlab/layers/dropout.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nnlab/core/error.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/layer_helpers.hpp"

namespace nnlab {
namespace {

using namespace nnlab::testing;

Tensor ramp(int64_t count) {
    Tensor x(Shape{1, count});
    for (int64_t i = 0; i < count; ++i) x[i] = 1.0f + static_cast<float>(i % 97);
    return x;
}

Tensor training_forward(Dropout& dropout, const Tensor& x) {
    Tensor y(x.shape());
    dropout.forward(x, y, Mode::training);
    return y;
}

TEST(Dropout, KeepsAboutOneMinusRateAndScalesThemExactly) {
    for (double rate : {0.1, 0.3, 0.5, 0.9}) {
        Dropout dropout(rate);
        dropout.build(Shape{Shape::unknown, 100000});
        dropout.seed_randomness(7);
        const Tensor x = ramp(100000);
        const Tensor y = training_forward(dropout, x);
        const float scale = static_cast<float>(1.0 / (1.0 - rate));
        int64_t kept = 0;
        for (int64_t i = 0; i < x.numel(); ++i) {
            if (y[i] == 0.0f) continue;
            ++kept;
            ASSERT_EQ(y[i], x[i] * scale) << "at " << i << ", rate " << rate;
        }
        // Binomial(100000, 1 − rate): the standard deviation of the fraction is at most 0.0016.
        EXPECT_NEAR(static_cast<double>(kept) / 100000.0, 1.0 - rate, 0.01) << "rate " << rate;
    }
}

TEST(Dropout, RateZeroKeepsEverything) {
    Dropout dropout(0.0);
    const Tensor x = ramp(1000);
    const Tensor y = training_forward(dropout, x);
    for (int64_t i = 0; i < x.numel(); ++i) ASSERT_EQ(y[i], x[i]);
}

TEST(Dropout, InferenceIsTheIdentity) {
    Dropout dropout(0.5);
    const Tensor x = ramp(1000);
    Tensor y(x.shape()), dx(x.shape());
    dropout.forward(x, y, Mode::inference);
    for (int64_t i = 0; i < x.numel(); ++i) ASSERT_EQ(y[i], x[i]);
    dropout.backward(x, dx);
    for (int64_t i = 0; i < x.numel(); ++i) ASSERT_EQ(dx[i], x[i]);
}

TEST(Dropout, MasksComeFromTheRunSeedAndTheLayerName) {
    const Tensor x = ramp(1000);
    auto first_mask = [&](const std::string& name, uint64_t run_seed, std::optional<uint64_t> seed = {}) {
        Dropout dropout(0.5, seed);
        dropout.set_name(name);
        dropout.seed_randomness(run_seed);
        return values(training_forward(dropout, x));
    };
    EXPECT_EQ(first_mask("dropout", 1), first_mask("dropout", 1));
    EXPECT_NE(first_mask("dropout", 1), first_mask("dropout", 2));
    EXPECT_NE(first_mask("dropout", 1), first_mask("dropout_1", 1));
    // Keras's seed argument: the masks no longer depend on the run's seed.
    EXPECT_EQ(first_mask("dropout", 1, 99), first_mask("dropout", 2, 99));
}

TEST(Dropout, EachTrainingForwardDrawsAFreshMask) {
    Dropout dropout(0.5);
    const Tensor x = ramp(1000);
    EXPECT_NE(values(training_forward(dropout, x)), values(training_forward(dropout, x)));
}

TEST(Dropout, BackwardUsesTheForwardMask) {
    Dropout dropout(0.25);
    dropout.seed_randomness(3);
    const Tensor x = ramp(1000);
    const Tensor y = training_forward(dropout, x);
    Tensor dy(x.shape()), dx(x.shape());
    for (int64_t i = 0; i < dy.numel(); ++i) dy[i] = static_cast<float>(i % 7) - 3.0f;
    dropout.backward(dy, dx);
    for (int64_t i = 0; i < x.numel(); ++i) {
        ASSERT_EQ(dx[i], y[i] == 0.0f ? 0.0f : dy[i] * (1.0f / 0.75f)) << "at " << i;
    }
}

// Draws the same mask on every forward, so the gradient checker sees one fixed linear function.
class ReseededDropout final : public Layer {
public:
    std::string type() const override { return "Dropout"; }
    Shape build(const Shape& input) override { return dropout_.build(input); }
    void forward(const Tensor& x, Tensor& y, Mode mode) override {
        dropout_.seed_randomness(11);
        dropout_.forward(x, y, mode);
    }
    void backward(const Tensor& dy, Tensor& dx) override { dropout_.backward(dy, dx); }

private:
    Dropout dropout_{0.4};
};

TEST(Dropout, GradientsMatchCentralDifferences) {
    ReseededDropout dropout;
    EXPECT_LAYER_GRADIENTS_OK(dropout, Shape{3, 5, 7, 2});
}

TEST(Dropout, RejectsRatesOutsideZeroToOne) {
    for (double rate : {-0.1, 1.0, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
        try {
            Dropout dropout(rate);
            FAIL() << "expected an error for rate " << rate;
        } catch (const KeyError& error) {
            EXPECT_EQ(error.key(), "rate");
        }
    }
}

TEST(Dropout, ConfigHoldsRateAndSeed) {
    EXPECT_EQ(Dropout(0.5).config(), nlohmann::json({{"rate", 0.5}}));
    EXPECT_EQ(Dropout(0.2, 42).config(), nlohmann::json({{"rate", 0.2}, {"seed", 42}}));
}

}  // namespace
}  // namespace nnlab
