// Tests for RMSprop (Keras: optimizers.RMSprop): two hand-computed steps, centered and with momentum.
#include "nnlab/optim/rmsprop.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <vector>
#include "tests/support/tensor_helpers.hpp"

namespace nnlab {
namespace {

using testing::arena;
using ::testing::ElementsAre;
using ::testing::Matcher;
using testing::near;
using testing::TwoSteps;
using testing::values;

TEST(RMSprop, DefaultsAreKeras) {
    const RMSprop rmsprop;
    EXPECT_EQ(rmsprop.config(), (nlohmann::json{{"type", "rmsprop"},
                                                {"learning_rate", 0.001},
                                                {"rho", 0.9},
                                                {"momentum", 0.0},
                                                {"epsilon", 1e-7},
                                                {"centered", false}}));
}

TEST(RMSprop, MatchesKerasDocumentedExample) {
    // Keras's docstring: RMSprop(learning_rate=0.1), var = 10, loss = var²/2 so g = 10:
    // v = 0.1·100 = 10; var −= 0.1·10/√(10 + 1e-7) = 0.3162278 → 9.683772.
    Tensor var = arena({10.0f});
    RMSprop rmsprop(0.1);
    rmsprop.build(1);
    rmsprop.step(var, arena({10.0f}));
    EXPECT_THAT(values(var), ElementsAre(near(9.683772)));
}

TEST(RMSprop, PlainStepsDivideByTheRootMeanSquare) {
    TwoSteps s;
    RMSprop rmsprop(0.01);
    rmsprop.build(3);
    // v = 0.1·g1² = (0.025, 0.1, 0.4); p −= 0.01·g1/√(v + 1e-7) = (0.0316227, −0.0316228, 0.0316228)
    // → (0.9683773, −1.9683772, 0.4683772)
    rmsprop.step(s.params, s.g1);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.9683772866), near(-1.9683772392), near(0.4683772274)));
    // v = 0.9·v + 0.1·g2² = (0.0235, 0.094, 0.369); increment 0.01·g2/√(v + 1e-7)
    //   = (0.0065233, 0.0065233, −0.0049386) → (0.9618540, −1.9749005, 0.4733159)
    rmsprop.step(s.params, s.g2);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.9618540198), near(-1.9749005165), near(0.4733158747)));
}

TEST(RMSprop, CenteredDividesByTheVarianceEstimate) {
    TwoSteps s;
    RMSprop rmsprop(RMSpropOptions{.learning_rate = 0.01, .centered = true});
    rmsprop.build(3);
    // v = (0.025, 0.1, 0.4), a = 0.1·g1 = (0.05, −0.1, 0.2); v − a² = 0.09·g1² = (0.0225, 0.09, 0.36);
    // increment 0.01·g1/√(v − a² + 1e-7) ≈ 0.01/0.3·sign(g1) = (0.0333333, −0.0333333, 0.0333333)
    rmsprop.step(s.params, s.g1);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.9666667407), near(-1.9666666852), near(0.4666666713)));
    // v = (0.0235, 0.094, 0.369), a = 0.9·a + 0.1·g2 = (0.055, −0.07, 0.15);
    // v − a² = (0.020475, 0.0891, 0.3465); increment = (0.0069885, 0.0067002, −0.0050965)
    rmsprop.step(s.params, s.g2);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.9596781922), near(-1.9733669335), near(0.4717631425)));
}

TEST(RMSprop, MomentumWithNonDefaultRhoAndEpsilon) {
    TwoSteps s;
    RMSprop rmsprop(RMSpropOptions{.learning_rate = 0.01, .rho = 0.8, .momentum = 0.5, .epsilon = 1e-3});
    rmsprop.build(3);
    // v = 0.2·g1² = (0.05, 0.2, 0.8); increment = 0.01·g1/√(v + 0.001) = (0.0221404, −0.0223050, 0.0223467);
    // m = increment; p −= m → (0.9778596, −1.9776950, 0.4776533)
    rmsprop.step(s.params, s.g1);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.9778596279), near(-1.9776950132), near(0.4776532826)));
    // v = 0.8·v + 0.2·g2² = (0.042, 0.168, 0.658); increment = 0.01·g2/√(v + 0.001) = (0.0048224, 0.0048650,
    // −0.0036955); m = 0.5·m + increment = (0.0158926, −0.0062875, 0.0074778) → (0.9619670, −1.9714076, 0.4701755)
    rmsprop.step(s.params, s.g2);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.9619670136), near(-1.9714075623), near(0.4701754693)));
}

TEST(RMSprop, CenteredWithMomentum) {
    TwoSteps s;
    RMSprop rmsprop(RMSpropOptions{.learning_rate = 0.01, .momentum = 0.5, .centered = true});
    rmsprop.build(3);
    // Step 1 is the centered increment (0.0333333, −0.0333333, 0.0333333) with m = increment.
    rmsprop.step(s.params, s.g1);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.9666667407), near(-1.9666666852), near(0.4666666713)));
    // m = 0.5·m + (0.0069885, 0.0067002, −0.0050965) = (0.0236552, −0.0099664, 0.0115702)
    rmsprop.step(s.params, s.g2);
    EXPECT_THAT(values(s.params), ElementsAre(near(0.9430115626), near(-1.9567002761), near(0.4550964781)));
}

TEST(RMSprop, CenteredStaysFiniteWhenTheVarianceRoundsBelowZero) {
    // A constant gradient has zero variance; in float, v − a² then lands some ulps either side of 0, which
    // for gradients of a few units is far more than ε = 1e-7 (in a plain float loop g = 7 first gives
    // √(v − a² + ε) = NaN at step 141). A spread of gradients makes the test independent of rounding details.
    constexpr int64_t count = 100;
    Tensor p(Shape{count});
    Tensor g(Shape{count});
    for (int64_t i = 0; i < count; ++i) g[i] = 0.5f + 0.25f * static_cast<float>(i);  // 0.5 … 25.25
    RMSprop rmsprop(RMSpropOptions{.learning_rate = 1e-6, .centered = true});
    rmsprop.build(count);
    for (int step = 0; step < 300; ++step) rmsprop.step(p, g);
    for (int64_t i = 0; i < count; ++i) EXPECT_TRUE(std::isfinite(p[i])) << "g = " << g[i];
}

}  // namespace
}  // namespace nnlab
