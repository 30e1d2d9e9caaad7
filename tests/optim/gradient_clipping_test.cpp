// Gradient clipping on the optimizer (Keras 3: clipvalue, clipnorm, global_clipnorm): hand-computed clipped
// gradients seen through plain SGD at rate 1 (p = 0 − g'), the keys in make_optimizer and config(), and the
// variable spans Sequential::compile gives.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <memory>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/optim/adam.hpp"
#include "nnlab/optim/optimizer.hpp"
#include "nnlab/optim/sgd.hpp"
#include "nnlab/train/sequential.hpp"
#include "tests/support/tensor_helpers.hpp"

namespace nnlab {
namespace {

using testing::arena;
using ::testing::ElementsAre;
using ::testing::FloatEq;
using ::testing::FloatNear;
using testing::values;
using json = nlohmann::json;

// The gradients SGD(1) applied: −(params after one step from 0).
std::vector<float> applied(Optimizer& optimizer, std::initializer_list<float> gradients) {
    Tensor params(Shape{static_cast<int64_t>(gradients.size())});
    const Tensor grads = arena(gradients);
    optimizer.build(params.numel());
    optimizer.step(params, grads);
    std::vector<float> out;
    for (float p : params.values()) out.push_back(-p);
    return out;
}

TEST(GradientClipping, ClipValueClampsEachElement) {
    SGD sgd(1.0);
    sgd.set_clipping({.clipvalue = 0.5});
    EXPECT_THAT(applied(sgd, {1.0f, -2.0f, 0.3f, -0.1f, 0.5f}), ElementsAre(0.5f, -0.5f, 0.3f, -0.1f, 0.5f));
}

TEST(GradientClipping, ClipNormScalesEachVariableOnItsOwn) {
    // Variable 1 = (3, 4): norm 5 > 1 → (0.6, 0.8). Variable 2 = (0.3, 0.4): norm 0.5 ≤ 1, unchanged.
    SGD sgd(1.0);
    sgd.set_clipping({.clipnorm = 1.0});
    sgd.set_variable_spans({{0, 2}, {2, 2}});
    EXPECT_THAT(applied(sgd, {3.0f, 4.0f, 0.3f, 0.4f}), ElementsAre(FloatEq(0.6f), FloatEq(0.8f), 0.3f, 0.4f));
}

TEST(GradientClipping, ClipNormWithoutSpansTreatsTheArenaAsOneVariable) {
    // (3, 4, 0, 12): norm 13 → · 2/13.
    SGD sgd(1.0);
    sgd.set_clipping({.clipnorm = 2.0});
    EXPECT_THAT(applied(sgd, {3.0f, 4.0f, 0.0f, 12.0f}),
                ElementsAre(FloatEq(6.0f / 13), FloatEq(8.0f / 13), 0.0f, FloatEq(24.0f / 13)));
}

TEST(GradientClipping, GlobalClipNormScalesAllVariablesTogether) {
    // Variables (3, 0) and (0, 4): each norm ≤ 5, the global norm is 5 → all · 1/5.
    SGD sgd(1.0);
    sgd.set_clipping({.global_clipnorm = 1.0});
    sgd.set_variable_spans({{0, 2}, {2, 2}});
    EXPECT_THAT(applied(sgd, {3.0f, 0.0f, 0.0f, 4.0f}), ElementsAre(FloatEq(0.6f), 0.0f, 0.0f, FloatEq(0.8f)));
    // The same limits per variable would leave (3, 0) at norm 3 → (1, 0) and (0, 4) → (0, 1).
    SGD per_variable(1.0);
    per_variable.set_clipping({.clipnorm = 1.0});
    per_variable.set_variable_spans({{0, 2}, {2, 2}});
    EXPECT_THAT(applied(per_variable, {3.0f, 0.0f, 0.0f, 4.0f}), ElementsAre(FloatEq(1.0f), 0.0f, 0.0f, FloatEq(1.0f)));
}

TEST(GradientClipping, GradientsWithinTheLimitAreLeftBitForBit) {
    const std::initializer_list<float> small = {0.1f, -0.2f, 0.3f};  // norm 0.374
    for (GradientClipping clipping : {GradientClipping{.clipnorm = 1.0}, GradientClipping{.global_clipnorm = 1.0},
                                      GradientClipping{.clipvalue = 1.0}}) {
        SGD sgd(1.0);
        sgd.set_clipping(clipping);
        EXPECT_THAT(applied(sgd, small), ElementsAre(0.1f, -0.2f, 0.3f));
    }
}

TEST(GradientClipping, TheCallersGradientsAreNotModified) {
    SGD sgd(1.0);
    sgd.set_clipping({.clipvalue = 0.5});
    Tensor params(Shape{2});
    const Tensor grads = arena({2.0f, -3.0f});
    sgd.build(2);
    sgd.step(params, grads);
    EXPECT_THAT(grads.values(), ElementsAre(2.0f, -3.0f));
}

TEST(GradientClipping, ANonFiniteNormPoisonsTheUpdateAsInKeras) {
    SGD sgd(1.0);
    sgd.set_clipping({.global_clipnorm = 1.0});
    const auto out = applied(sgd, {1.0f, std::numeric_limits<float>::infinity()});
    EXPECT_TRUE(std::isnan(out[0]));
}

TEST(GradientClipping, ATrainingStepMovesNoWeightFurtherThanRateTimesClipValue) {
    // Inputs of 10 make the kernel's gradients far larger than 1e-3; with SGD(1) and clipvalue 1e-3 each weight
    // moves by at most 1e-3, and the large ones by exactly that.
    Sequential model;
    model.add(Input{{4}});
    model.add(Dense(3, "softmax"));
    auto sgd = std::make_unique<SGD>(1.0);
    sgd->set_clipping({.clipvalue = 1e-3});
    model.compile(std::move(sgd), std::make_unique<CategoricalCrossentropy>(), {.seed = 3});
    const Tensor before = model.weights().block().clone();
    Tensor x(Shape{2, 4}), y(Shape{2, 3});
    x.fill(10.0f);
    y[0] = 1.0f;
    y[4] = 1.0f;
    model.train_step(x, y);
    float largest = 0.0f;
    for (int64_t i = 0; i < before.numel(); ++i)
        largest = std::max(largest, std::abs(model.weights().block()[i] - before[i]));
    EXPECT_NEAR(largest, 1e-3f, 1e-6f);
}

TEST(GradientClipping, OnlyOneSettingAndOnlyPositiveValues) {
    SGD sgd(1.0);
    try {
        sgd.set_clipping({.clipnorm = 1.0, .global_clipnorm = 1.0});
        FAIL() << "expected KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "global_clipnorm");
        EXPECT_STREQ(e.what(),
                     "global_clipnorm: only one of clipnorm, clipvalue and global_clipnorm can be set; clipnorm is "
                     "set too");
    }
    EXPECT_THROW(sgd.set_clipping({.clipnorm = 1.0, .clipvalue = 1.0}), KeyError);
    try {
        sgd.set_clipping({.clipvalue = 0.0});
        FAIL() << "expected KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "clipvalue");
        EXPECT_STREQ(e.what(), "clipvalue: expected a number > 0, found 0.0");
    }
    EXPECT_THROW(sgd.set_clipping({.clipnorm = -1.0}), KeyError);
}

TEST(GradientClipping, MakeOptimizerReadsTheKeysAndConfigRoundTrips) {
    for (const char* key : {"clipnorm", "clipvalue", "global_clipnorm"}) {
        const json config = {{"type", "adam"},  {"learning_rate", 0.01}, {"beta_1", 0.9}, {"beta_2", 0.999},
                             {"epsilon", 1e-7}, {"amsgrad", false},      {key, 0.5}};
        const auto optimizer = make_optimizer(config);
        EXPECT_EQ(optimizer->config(), config) << key;
        EXPECT_EQ(make_optimizer(optimizer->config())->config(), config) << key;
    }
    // Not set: not in the config.
    EXPECT_FALSE(make_optimizer({{"type", "sgd"}})->config().contains("clipnorm"));
    // Errors name the key.
    try {
        make_optimizer({{"type", "sgd"}, {"clipnorm", 1.0}, {"clipvalue", 1.0}});
        FAIL() << "expected KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "clipvalue");
    }
    try {
        make_optimizer({{"type", "sgd"}, {"global_clipnorm", "1"}});
        FAIL() << "expected KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "global_clipnorm");
        EXPECT_STREQ(e.what(), "global_clipnorm: expected a number > 0, found \"1\"");
    }
}

TEST(GradientClipping, CompileGivesEachTrainableParameterItsSpan) {
    // Dense(2) on 3 inputs: kernel 6 floats at 0, bias 2 floats at the next 64-byte line (16 floats).
    // Dense(5) on 2: kernel 10 at 32, bias 5 at 48.
    Sequential model;
    model.add(Input{{3}});
    model.add(Dense(2));
    model.add(Dense(5));
    model.compile(SGD(0.1), CategoricalCrossentropy());
    const auto& spans = model.optimizer().variable_spans();
    ASSERT_EQ(spans.size(), 4u);
    const std::vector<std::pair<int64_t, int64_t>> expected = {{0, 6}, {16, 2}, {32, 10}, {48, 5}};
    for (size_t i = 0; i < spans.size(); ++i) {
        EXPECT_EQ(spans[i].offset, expected[i].first) << i;
        EXPECT_EQ(spans[i].size, expected[i].second) << i;
    }
}

}  // namespace
}  // namespace nnlab
