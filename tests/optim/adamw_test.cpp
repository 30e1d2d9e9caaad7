// Tests for AdamW (Keras: optimizers.AdamW): decoupled weight decay before the Adam step.
#include "nnlab/optim/adamw.hpp"

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

using testing::arena;
using ::testing::ElementsAre;
using ::testing::Matcher;
using testing::near;
using testing::TwoSteps;
using testing::values;

TEST(AdamW, DefaultsAreKeras) {
    const AdamW adamw;
    EXPECT_EQ(adamw.name(), "adamw");
    EXPECT_EQ(adamw.config(), (nlohmann::json{{"type", "adamw"},
                                              {"learning_rate", 0.001},
                                              {"weight_decay", 0.004},
                                              {"beta_1", 0.9},
                                              {"beta_2", 0.999},
                                              {"epsilon", 1e-7},
                                              {"amsgrad", false}}));
}

TEST(AdamW, DecaysThenTakesTheAdamStep) {
    TwoSteps s;
    AdamW adamw(AdamWOptions{.learning_rate = 0.1, .weight_decay = 0.1});
    adamw.build(3);
    // t = 1: decay p −= p·0.1·0.1 → (0.99, −1.98, 0.495); then the Adam step of Adam.TwoStepsWithDefaultBetas,
    // (0.0999994, −0.0999997, 0.0999998) → (0.8900006, −1.8800003, 0.3950002)
    adamw.step(s.params, s.g1);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.8900006325), near(-1.8800003162), near(0.3950001581)));
    // t = 2: decay ·0.99 → (0.8811006, −1.8612003, 0.3910502); Adam step (0.0803036, −0.0511025, 0.0552197)
    // → (0.8007970, −1.8100979, 0.3358304)
    adamw.step(s.params, s.g2);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.8007970265), near(-1.8100978639), near(0.3358304372)));
}

TEST(AdamW, ZeroWeightDecayIsAdam) {
    TwoSteps s;
    AdamW adamw(AdamWOptions{.learning_rate = 0.1, .weight_decay = 0.0});
    adamw.build(3);
    adamw.step(s.params, s.g1);
    adamw.step(s.params, s.g2);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.8196970329), near(-1.8488978670), near(0.3447804388)));
}

TEST(AdamW, DecayUsesTheScheduledRateOfTheStep) {
    // A zero gradient leaves Adam's step at 0, so only the decay moves p: p·(1 − 0.5·lr_t).
    // lr_0 = 0.2, lr_1 = 0.1: p = 1·(1 − 0.1)·(1 − 0.05) = 0.855.
    Tensor p = arena({1.0f});
    const Tensor zero = arena({0.0f});
    AdamW adamw(AdamWOptions{.weight_decay = 0.5});
    adamw.set_schedule([](int64_t step) { return step == 0 ? 0.2 : 0.1; });
    adamw.build(1);
    adamw.step(p, zero);
    adamw.step(p, zero);
    EXPECT_THAT(values(p), ElementsAre(near(0.855)));
}

TEST(AdamW, StepBeforeBuildThrowsWithoutDecaying) {
    TwoSteps s;
    AdamW adamw;
    EXPECT_THROW(adamw.step(s.params, s.g1), Error);
    EXPECT_THAT(values(s.params), ElementsAre(1.0f, -2.0f, 0.5f));
}

}  // namespace
}  // namespace nnlab
