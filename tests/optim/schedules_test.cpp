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
        EXPECT_STREQ(e.what(), "epochs_drop: expected a positive integer, got 0");
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
        EXPECT_STREQ(e.what(), "decay_steps: expected a positive integer, got 0");
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
        EXPECT_STREQ(e.what(), "decay_steps: expected a positive integer, got -5");
    }
}

}  // namespace
}  // namespace nnlab
