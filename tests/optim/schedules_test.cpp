// Tests for the learning-rate schedules (Keras: step-decay LearningRateScheduler function,
// optimizers.schedules.ExponentialDecay, CosineDecay) at their boundaries.
#include "nnlab/optim/schedules.hpp"

#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

TEST(StepDecay, HalvesEveryTenEpochs) {
    // 0.001 · 0.5^floor(epoch / 10)
    const StepDecay schedule;  // {0.001, 0.5, 10}
    EXPECT_DOUBLE_EQ(schedule(0), 0.001);
    EXPECT_DOUBLE_EQ(schedule(9), 0.001);
    EXPECT_DOUBLE_EQ(schedule(10), 0.0005);
    EXPECT_DOUBLE_EQ(schedule(11), 0.0005);
    EXPECT_DOUBLE_EQ(schedule(19), 0.0005);
    EXPECT_DOUBLE_EQ(schedule(20), 0.00025);
}

TEST(StepDecay, UsesItsParameters) {
    // 0.1 · 0.1^floor(7 / 3) = 0.1 · 0.01 = 0.001
    const StepDecay schedule{.initial_learning_rate = 0.1, .drop = 0.1, .epochs_drop = 3};
    EXPECT_DOUBLE_EQ(schedule(2), 0.1);
    EXPECT_DOUBLE_EQ(schedule(7), 0.001);
}

TEST(StepDecay, RejectsANonPositivePeriod) {
    try {
        StepDecay{.epochs_drop = 0}(5);
        FAIL() << "expected nnlab::KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "epochs_drop");
        EXPECT_STREQ(e.what(), "epochs_drop: expected a positive integer, found 0");
    }
}

TEST(ExponentialDecay, DecaysContinuously) {
    // 0.1 · 0.5^(step / 100)
    const ExponentialDecay schedule{.initial_learning_rate = 0.1, .decay_steps = 100, .decay_rate = 0.5};
    EXPECT_DOUBLE_EQ(schedule(0), 0.1);
    EXPECT_NEAR(schedule(50), 0.0707106781, 1e-10);  // 0.1 · √0.5
    EXPECT_DOUBLE_EQ(schedule(100), 0.05);
    EXPECT_NEAR(schedule(150), 0.0353553391, 1e-10);  // 0.1 · 0.5^1.5
    EXPECT_DOUBLE_EQ(schedule(200), 0.025);
}

TEST(ExponentialDecay, StaircaseFloorsTheExponent) {
    // 0.1 · 0.5^floor(step / 100)
    const ExponentialDecay schedule{
        .initial_learning_rate = 0.1, .decay_steps = 100, .decay_rate = 0.5, .staircase = true};
    EXPECT_DOUBLE_EQ(schedule(0), 0.1);
    EXPECT_DOUBLE_EQ(schedule(99), 0.1);
    EXPECT_DOUBLE_EQ(schedule(100), 0.05);
    EXPECT_DOUBLE_EQ(schedule(150), 0.05);
    EXPECT_DOUBLE_EQ(schedule(199), 0.05);
    EXPECT_DOUBLE_EQ(schedule(200), 0.025);
}

TEST(ExponentialDecay, DefaultsDecayBy0_96Per1000Steps) {
    // 0.001 · 0.96^(1000 / 1000)
    EXPECT_DOUBLE_EQ(ExponentialDecay{}(1000), 0.00096);
}

TEST(ExponentialDecay, RejectsANonPositiveDecaySteps) {
    try {
        ExponentialDecay{.decay_steps = 0}(1);
        FAIL() << "expected nnlab::KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "decay_steps");
        EXPECT_STREQ(e.what(), "decay_steps: expected a positive integer, found 0");
    }
}

TEST(CosineDecay, FallsFromInitialToAlphaTimesInitial) {
    // 0.1 · ((1 − 0.1) · ½(1 + cos(π · min(step, 100) / 100)) + 0.1)
    const CosineDecay schedule{.initial_learning_rate = 0.1, .decay_steps = 100, .alpha = 0.1};
    EXPECT_DOUBLE_EQ(schedule(0), 0.1);              // cos 0 = 1: 0.1 · (0.9 + 0.1)
    EXPECT_NEAR(schedule(25), 0.0868198052, 1e-10);  // ½(1 + cos π/4) = 0.8535534: 0.1 · (0.9 · 0.8535534 + 0.1)
    EXPECT_NEAR(schedule(50), 0.055, 1e-12);         // cos π/2 = 0: 0.1 · (0.9 · 0.5 + 0.1)
    EXPECT_NEAR(schedule(100), 0.01, 1e-12);         // cos π = −1: 0.1 · 0.1
    EXPECT_NEAR(schedule(150), 0.01, 1e-12);         // past the end it stays at 0.1 · alpha
    EXPECT_NEAR(schedule(1000000), 0.01, 1e-12);
}

TEST(CosineDecay, WithoutAlphaEndsAtZero) {
    const CosineDecay schedule{.initial_learning_rate = 0.001, .decay_steps = 10};
    EXPECT_DOUBLE_EQ(schedule(0), 0.001);
    EXPECT_NEAR(schedule(5), 0.0005, 1e-15);
    EXPECT_NEAR(schedule(10), 0.0, 1e-15);
    EXPECT_NEAR(schedule(11), 0.0, 1e-15);
}

TEST(CosineDecay, RejectsANonPositiveDecaySteps) {
    try {
        CosineDecay{.decay_steps = -5}(1);
        FAIL() << "expected nnlab::KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "decay_steps");
        EXPECT_STREQ(e.what(), "decay_steps: expected a positive integer, found -5");
    }
}

TEST(CosineDecay, WarmsUpLinearlyThenDecaysFromTheTarget) {
    // Keras 3: 0 → 0.1 linearly over 10 steps, then 0.1 · ((1 − 0.1) · ½(1 + cos(π · (step − 10) / 100)) + 0.1).
    const CosineDecay schedule{
        .initial_learning_rate = 0.0, .decay_steps = 100, .alpha = 0.1, .warmup_target = 0.1, .warmup_steps = 10};
    EXPECT_DOUBLE_EQ(schedule(0), 0.0);
    EXPECT_NEAR(schedule(1), 0.01, 1e-15);
    EXPECT_NEAR(schedule(5), 0.05, 1e-15);
    EXPECT_NEAR(schedule(9), 0.09, 1e-15);
    EXPECT_DOUBLE_EQ(schedule(10), 0.1);             // the peak: cos 0 = 1
    EXPECT_NEAR(schedule(35), 0.0868198052, 1e-10);  // a quarter of the decay: ½(1 + cos π/4) = 0.8535534
    EXPECT_NEAR(schedule(60), 0.055, 1e-12);         // half: 0.1 · (0.9 · 0.5 + 0.1)
    EXPECT_NEAR(schedule(110), 0.01, 1e-12);         // the end: 0.1 · alpha
    EXPECT_NEAR(schedule(5000), 0.01, 1e-12);
}

TEST(CosineDecay, WarmupFromANonZeroStartAndWithoutWarmupSteps) {
    // From 0.02 to 0.1 over 4 steps: 0.02 + 0.08 · step / 4.
    const CosineDecay warm{.initial_learning_rate = 0.02, .decay_steps = 10, .warmup_target = 0.1, .warmup_steps = 4};
    EXPECT_NEAR(warm(0), 0.02, 1e-15);
    EXPECT_NEAR(warm(2), 0.06, 1e-15);
    EXPECT_NEAR(warm(9), 0.05, 1e-15);  // halfway through the decay from 0.1 (alpha 0)
    // warmup_steps 0: the decay starts at once, from the target rather than from initial_learning_rate.
    const CosineDecay none{.initial_learning_rate = 0.02, .decay_steps = 10, .warmup_target = 0.1};
    EXPECT_DOUBLE_EQ(none(0), 0.1);
    EXPECT_NEAR(none(5), 0.05, 1e-15);
    EXPECT_THROW((CosineDecay{.warmup_target = 0.1, .warmup_steps = -1}(0)), KeyError);
}

TEST(OneCycle, FollowsPyTorchsOneCycleLR) {
    // max 0.1, 100 steps, pct_start 0.3, div 25, final_div 1e4: starts at 0.1 / 25 = 0.004, peaks at step
    // 0.3 · 100 − 1 = 29, ends at 0.004 / 1e4 = 4e-7 at step 99; cosine annealing in both phases,
    // end + (start − end) / 2 · (cos(π · pct) + 1).
    const OneCycle schedule{.max_lr = 0.1, .total_steps = 100};
    EXPECT_NEAR(schedule(0), 0.004, 1e-15);
    EXPECT_NEAR(schedule(1), 0.004281378056590748, 1e-15);  // pct 1/29: 0.1 + (0.004 − 0.1)/2 · (cos(π/29) + 1)
    EXPECT_NEAR(schedule(29), 0.1, 1e-15);
    EXPECT_NEAR(schedule(30), 0.09994965352845243, 1e-15);  // pct 1/70 of the way down
    EXPECT_NEAR(schedule(64), 0.0500002, 1e-15);            // halfway down: (0.1 + 4e-7) / 2
    EXPECT_NEAR(schedule(99), 4e-7, 1e-18);
    EXPECT_NEAR(schedule(150), 4e-7, 1e-18);  // PyTorch refuses to step past the end; here the rate stays
}

TEST(OneCycle, MidpointOfTheWarmUp) {
    // 50 steps: the peak at 0.3 · 50 − 1 = 14, so step 7 is halfway up: (0.004 + 0.1) / 2 = 0.052.
    const OneCycle schedule{.max_lr = 0.1, .total_steps = 50};
    EXPECT_NEAR(schedule(7), 0.052, 1e-15);
    // Other factors: start 1 / 10 = 0.1, floor 0.1 / 100 = 0.001.
    const OneCycle other{.max_lr = 1.0, .total_steps = 10, .pct_start = 0.5, .div_factor = 10, .final_div_factor = 100};
    EXPECT_NEAR(other(0), 0.1, 1e-15);
    EXPECT_NEAR(other(4), 1.0, 1e-15);
    EXPECT_NEAR(other(9), 0.001, 1e-15);
}

TEST(OneCycle, RejectsPhasesWithoutSteps) {
    // 3 steps · 0.3 = 0.9: the warm-up would end before step 0 (PyTorch divides by zero there).
    try {
        OneCycle{.total_steps = 3}(0);
        FAIL() << "expected KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "total_steps");
    }
    EXPECT_THROW(OneCycle{.pct_start = 1.0}(0), KeyError);
    EXPECT_THROW(OneCycle{.max_lr = 0.0}(0), KeyError);
    EXPECT_THROW(OneCycle{.div_factor = -1.0}(0), KeyError);
    EXPECT_THROW(OneCycle{.final_div_factor = 0.0}(0), KeyError);
}

TEST(PiecewiseLinear, InterpolatesOverTheRunsProgress) {
    // 2 · (0.2 → 1 over the first quarter, → 0.1 at the end), 100 steps.
    const PiecewiseLinear s{
        .learning_rate = 2.0, .boundaries = {0.0, 0.25, 1.0}, .factors = {0.2, 1.0, 0.1}, .total_steps = 100};
    EXPECT_NO_THROW(s.check());
    EXPECT_DOUBLE_EQ(s(0), 0.4);
    EXPECT_DOUBLE_EQ(s(10), 2.0 * (0.2 + 0.4 * 0.8));  // progress 0.1: 0.4 of the way up
    EXPECT_DOUBLE_EQ(s(25), 2.0);
    EXPECT_DOUBLE_EQ(s(50), 2.0 * (1.0 - 0.9 / 3.0));  // a third of the way down
    EXPECT_DOUBLE_EQ(s(100), 0.2);
    EXPECT_DOUBLE_EQ(s(250), 0.2);  // past the end the last factor holds
    // Before the first boundary the first factor holds.
    const PiecewiseLinear late{
        .learning_rate = 1.0, .boundaries = {0.5, 1.0}, .factors = {3.0, 1.0}, .total_steps = 10};
    EXPECT_DOUBLE_EQ(late(2), 3.0);
    EXPECT_DOUBLE_EQ(late(8), 3.0 - 2.0 * 0.6);
}

TEST(PiecewiseLinear, RejectsWhatIsNotAShape) {
    const auto key_of = [](PiecewiseLinear s) {
        try {
            s.check();
        } catch (const KeyError& error) {
            return error.key();
        }
        return std::string("accepted");
    };
    EXPECT_EQ(key_of({.boundaries = {0.0, 1.0}, .factors = {1.0}}), "factors");
    EXPECT_EQ(key_of({.boundaries = {}, .factors = {}}), "factors");
    EXPECT_EQ(key_of({.boundaries = {0.0, 0.5, 0.5}, .factors = {1.0, 1.0, 1.0}}), "boundaries");
    EXPECT_EQ(key_of({.boundaries = {0.0, 1.5}, .factors = {1.0, 1.0}}), "boundaries");
    EXPECT_EQ(key_of({.boundaries = {0.0, 1.0}, .factors = {1.0, -0.1}}), "factors");
    EXPECT_EQ(key_of({.boundaries = {0.0, 1.0}, .factors = {1.0, 1.0}, .total_steps = 0}), "total_steps");
    EXPECT_EQ(key_of({}), "accepted");
}

}  // namespace
}  // namespace nnlab
