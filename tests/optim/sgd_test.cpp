// Tests for SGD (Keras: optimizers.SGD): two hand-computed steps plain, with momentum and with Nesterov.
#include "nnlab/optim/sgd.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <vector>

#include "nnlab/core/error.hpp"
#include "tests/support/tensor_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using ::testing::Matcher;
using testing::near;
using testing::TwoSteps;
using testing::values;

TEST(SGD, DefaultsAreKeras) {
    const SGD sgd;
    EXPECT_EQ(sgd.name(), "sgd");
    EXPECT_EQ(sgd.config(),
              (nlohmann::json{{"type", "sgd"}, {"learning_rate", 0.01}, {"momentum", 0.0}, {"nesterov", false}}));
}

TEST(SGD, PlainStepsAreMinusLearningRateTimesGradient) {
    TwoSteps s;
    SGD sgd(0.1);
    sgd.build(3);
    // p = (1, −2, 0.5) − 0.1·(0.5, −1, 2) = (0.95, −1.9, 0.3)
    sgd.step(s.params, s.g1);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.95), near(-1.9), near(0.3)));
    // p = (0.95, −1.9, 0.3) − 0.1·(0.1, 0.2, −0.3) = (0.94, −1.92, 0.33)
    sgd.step(s.params, s.g2);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.94), near(-1.92), near(0.33)));
    EXPECT_EQ(sgd.iterations(), 2);
}

TEST(SGD, WeightDecayShrinksTheWeightsBeforeTheStep) {
    // Keras 3's decoupled decay: p −= p·wd·lr, then the SGD step. wd 0.5, lr 0.1: p·0.95 − 0.1·g.
    TwoSteps s;
    SGD sgd(SGDOptions{.learning_rate = 0.1, .weight_decay = 0.5});
    sgd.build(3);
    // (1, −2, 0.5)·0.95 = (0.95, −1.9, 0.475); − 0.1·(0.5, −1, 2) = (0.9, −1.8, 0.275)
    sgd.step(s.params, s.g1);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.9), near(-1.8), near(0.275)));
    // (0.9, −1.8, 0.275)·0.95 = (0.855, −1.71, 0.26125); − 0.1·(0.1, 0.2, −0.3) = (0.845, −1.73, 0.29125)
    sgd.step(s.params, s.g2);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.845), near(-1.73), near(0.29125)));
    EXPECT_EQ(sgd.config()["weight_decay"], 0.5);
    EXPECT_THROW(SGD(SGDOptions{.weight_decay = -1.0}), KeyError);
    // Stepping before build() fails before anything is written, the decay included.
    TwoSteps unbuilt;
    SGD early(SGDOptions{.learning_rate = 0.1, .momentum = 0.9, .weight_decay = 0.5});
    EXPECT_THROW(early.step(unbuilt.params, unbuilt.g1), Error);
    EXPECT_THAT(values(unbuilt.params), ElementsAre(1.0f, -2.0f, 0.5f));
}

TEST(SGD, MomentumAccumulatesAVelocity) {
    TwoSteps s;
    SGD sgd(SGDOptions{.learning_rate = 0.1, .momentum = 0.9});
    sgd.build(3);
    // m = 0.9·0 − 0.1·g1 = (−0.05, 0.1, −0.2); p += m → (0.95, −1.9, 0.3)
    sgd.step(s.params, s.g1);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.95), near(-1.9), near(0.3)));
    // m = 0.9·(−0.05, 0.1, −0.2) − 0.1·(0.1, 0.2, −0.3) = (−0.055, 0.07, −0.15); p += m → (0.895, −1.83, 0.15)
    sgd.step(s.params, s.g2);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.895), near(-1.83), near(0.15)));
}

TEST(SGD, NesterovLooksAheadAlongTheVelocity) {
    TwoSteps s;
    SGD sgd(SGDOptions{.learning_rate = 0.1, .momentum = 0.9, .nesterov = true});
    sgd.build(3);
    // m = (−0.05, 0.1, −0.2); p += 0.9·m − 0.1·g1 = (−0.045 − 0.05, 0.09 + 0.1, −0.18 − 0.2) = (−0.095, 0.19, −0.38)
    // → p = (0.905, −1.81, 0.12)
    sgd.step(s.params, s.g1);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.905), near(-1.81), near(0.12)));
    // m = (−0.055, 0.07, −0.15); p += 0.9·m − 0.1·g2 = (−0.0495 − 0.01, 0.063 − 0.02, −0.135 + 0.03)
    //   = (−0.0595, 0.043, −0.105) → p = (0.8455, −1.767, 0.015)
    sgd.step(s.params, s.g2);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.8455), near(-1.767), near(0.015)));
}

TEST(SGD, NesterovWithoutMomentumIsPlainSGD) {
    TwoSteps s;
    SGD sgd(SGDOptions{.learning_rate = 0.1, .momentum = 0.0, .nesterov = true});
    sgd.build(3);
    sgd.step(s.params, s.g1);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.95), near(-1.9), near(0.3)));
}

TEST(SGD, StepWithMomentumBeforeBuildThrows) {
    TwoSteps s;
    SGD sgd(SGDOptions{.momentum = 0.9});
    try {
        sgd.step(s.params, s.g1);
        FAIL() << "expected nnlab::Error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::failure);
        EXPECT_THAT(e.what(), ::testing::HasSubstr("build()"));
    }
    EXPECT_EQ(sgd.iterations(), 0);
}

}  // namespace
}  // namespace nnlab
