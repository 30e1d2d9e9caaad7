// Tests for Adam (Keras: optimizers.Adam): two hand-computed steps, non-default hyperparameters, AMSGrad.
#include "nnlab/optim/adam.hpp"

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

TEST(Adam, DefaultsAreKeras) {
    const Adam adam;
    EXPECT_EQ(adam.name(), "adam");
    EXPECT_EQ(adam.config(), (nlohmann::json{{"type", "adam"},
                                             {"learning_rate", 0.001},
                                             {"beta_1", 0.9},
                                             {"beta_2", 0.999},
                                             {"epsilon", 1e-7},
                                             {"amsgrad", false}}));
}

TEST(Adam, TwoStepsWithDefaultBetas) {
    TwoSteps s;
    Adam adam(0.1);
    adam.build(3);
    // t = 1: m = 0.1·g1 = (0.05, −0.1, 0.2), v = 0.001·g1² = (0.00025, 0.001, 0.004),
    // alpha = 0.1·√(1 − 0.999)/(1 − 0.9) = 0.0316228; step alpha·m/(√v + 1e-7) ≈ 0.1·sign(g1)
    // (Adam's first step has the size of the learning rate) → (0.9000006, −1.9000003, 0.4000002)
    adam.step(s.params, s.g1);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.9000006325), near(-1.9000003162), near(0.4000001581)));
    // t = 2: m = 0.9·m + 0.1·g2 = (0.055, −0.07, 0.15), v = 0.999·v + 0.001·g2² = (0.00025975, 0.001039, 0.004086),
    // alpha = 0.1·√(1 − 0.999²)/(1 − 0.9²) = 0.0235317;
    // step = alpha·m/(√v + 1e-7) = (0.0803036, −0.0511025, 0.0552197) → (0.8196970, −1.8488979, 0.3447804)
    adam.step(s.params, s.g2);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.8196970329), near(-1.8488978670), near(0.3447804388)));
}

TEST(Adam, TwoStepsWithNonDefaultHyperparameters) {
    TwoSteps s;
    Adam adam(AdamOptions{.learning_rate = 0.05, .beta_1 = 0.5, .beta_2 = 0.75, .epsilon = 1e-3});
    adam.build(3);
    // t = 1: m = 0.5·g1 = (0.25, −0.5, 1), v = 0.25·g1² = (0.0625, 0.25, 1); alpha = 0.05·√0.25/0.5 = 0.05;
    // step = 0.05·m/(√v + 0.001) = (0.0498008, −0.0499002, 0.0499500) → (0.9501992, −1.9500998, 0.4500500)
    adam.step(s.params, s.g1);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.9501992032), near(-1.9500998004), near(0.4500499500)));
    // t = 2: m = 0.5·m + 0.5·g2 = (0.175, −0.15, 0.35); v = 0.75·v + 0.25·g2² = (0.049375, 0.1975, 0.7725);
    // alpha = 0.05·√(1 − 0.5625)/(1 − 0.25) = 0.0440959;
    // step = alpha·m/(√v + 0.001) = (0.0345726, −0.0148501, 0.0175397) → (0.9156266, −1.9352497, 0.4325102)
    adam.step(s.params, s.g2);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.9156265929), near(-1.9352497018), near(0.4325102272)));
}

TEST(Adam, AmsgradDividesByTheLargestSecondMomentSoFar) {
    TwoSteps s;
    Adam adam(AdamOptions{.learning_rate = 0.05, .beta_1 = 0.5, .beta_2 = 0.75, .epsilon = 1e-3, .amsgrad = true});
    adam.build(3);
    // t = 1 is as without AMSGrad: v_hat = v = (0.0625, 0.25, 1).
    adam.step(s.params, s.g1);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.9501992032), near(-1.9500998004), near(0.4500499500)));
    // t = 2: v = (0.049375, 0.1975, 0.7725) shrank, so v_hat stays (0.0625, 0.25, 1);
    // step = 0.0440959·(0.175, −0.15, 0.35)/(√v_hat + 0.001) = (0.0307441, −0.0132024, 0.0154181)
    // → (0.9194551, −1.9368974, 0.4346318): smaller steps than plain Adam's.
    adam.step(s.params, s.g2);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.9194550810), near(-1.9368974485), near(0.4346318189)));
}

TEST(Adam, StepBeforeBuildThrowsWithoutTouchingParameters) {
    TwoSteps s;
    Adam adam;
    EXPECT_THROW(adam.step(s.params, s.g1), Error);
    EXPECT_THAT(values(s.params), ElementsAre(1.0f, -2.0f, 0.5f));
}

}  // namespace
}  // namespace nnlab
