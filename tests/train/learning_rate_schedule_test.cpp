// The [schedule] descriptions: each type read with its defaults, described back to the same, refused with the key
// when out of range, and carried out during fit() by its callback.
#include "nnlab/train/learning_rate_schedule.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/optim/schedules.hpp"
#include "tests/support/callback_driver.hpp"

namespace nnlab {
namespace {

using config::Description;
using config::Reader;
using ::testing::HasSubstr;

std::unique_ptr<LearningRateSchedule> schedule(const Description& description, double optimizer_rate = 0.01) {
    return schedule_from(Reader(description, "schedule"), optimizer_rate);
}

TEST(LearningRateSchedule, EveryTypeDescribesItselfBackToTheSame) {
    for (const Description& d :
         {Description{{"type", "step_decay"}}, Description{{"type", "exponential_decay"}, {"decay_steps", 10}},
          Description{{"type", "cosine_decay"},
                      {"decay_steps", 10},
                      {"warmup_target", 0.1},
                      {"warmup_steps", 3},
                      {"initial_learning_rate", 0.0}},
          Description{{"type", "one_cycle"}, {"pct_start", 0.25}},
          Description{{"type", "piecewise_linear"}, {"boundaries", {0.0, 0.23, 1.0}}, {"factors", {0.2, 1.0, 0.07}}}}) {
        const Description described = schedule_description(*schedule(d));
        EXPECT_EQ(described["type"], d["type"]);
        EXPECT_EQ(schedule_description(*schedule(described)), described) << d.dump();
        for (const auto& [key, value] : d.items()) EXPECT_EQ(described[key], value) << key;
    }
}

TEST(LearningRateSchedule, DefaultsFollowKerasAndTheOptimizersRate) {
    const Description step = schedule_description(*schedule({{"type", "step_decay"}}, 0.005));
    EXPECT_EQ(
        step,
        Description({{"type", "step_decay"}, {"initial_learning_rate", 0.005}, {"drop", 0.5}, {"epochs_drop", 10}}));
    const Description cycle = schedule_description(*schedule({{"type", "one_cycle"}}, 0.4));
    EXPECT_EQ(cycle["max_lr"], 0.4);
    EXPECT_EQ(cycle["div_factor"], 25.0);
}

TEST(LearningRateSchedule, OutOfRangeValuesNameTheKey) {
    const auto message = [](const Description& d) {
        try {
            schedule(d);
        } catch (const config::ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(message({{"type", "step_decay"}, {"drop", 0}}), "schedule.drop: expected a factor in (0, 1], found 0");
    EXPECT_EQ(message({{"type", "cosine_decay"}}), "schedule.decay_steps: missing; expected a positive integer");
    EXPECT_THAT(message({{"type", "one_cycle"}, {"pct_start", 1.0}}),
                HasSubstr("schedule.pct_start: expected a fraction in (0, 1), found 1.0"));
    EXPECT_THAT(message({{"type", "warmup"}}), HasSubstr("schedule.type: unknown schedule 'warmup'; expected one of "
                                                         "step_decay, exponential_decay, cosine_decay, one_cycle, "
                                                         "piecewise_linear"));
    EXPECT_THAT(message({{"type", "piecewise_linear"}, {"boundaries", {0.0, 1.0}}}),
                HasSubstr("schedule.factors: missing"));
    EXPECT_THAT(message({{"type", "piecewise_linear"}, {"boundaries", {0.0, 1.0}}, {"factors", {1.0, 2.0, 3.0}}}),
                HasSubstr("schedule.factors: expected one factor per boundary (2 boundaries), found 3"));
    EXPECT_THAT(message({{"type", "piecewise_linear"}, {"boundaries", {0.5, 0.2}}, {"factors", {1.0, 2.0}}}),
                HasSubstr("schedule.boundaries: expected strictly increasing fractions"));
}

TEST(LearningRateSchedule, CallbacksSetTheRateAsTheScheduleSays) {
    auto model = testing::tiny_model(0.5);
    // step_decay at each epoch's start: 0.1 · 0.5^floor(epoch / 2).
    auto step = schedule({{"type", "step_decay"}, {"initial_learning_rate", 0.1}, {"epochs_drop", 2}})->make_callback();
    const testing::ScriptedRun run = testing::run_scripted_epochs(*model, *step, "loss", {1, 1, 1, 1});
    EXPECT_THAT(run.learning_rates, ::testing::ElementsAre(0.1, 0.1, 0.05, 0.05));
    // one_cycle over the plan's epochs × steps, set on the optimizer when training begins.
    auto cycle = schedule({{"type", "one_cycle"}, {"max_lr", 0.4}})->make_callback();
    cycle->set_model(model.get());
    cycle->on_train_begin({3, 100, 300});
    const OneCycle expected{.max_lr = 0.4, .total_steps = 300};
    EXPECT_DOUBLE_EQ(model->optimizer().learning_rate(), expected(0));
    // piecewise_linear in multiples of the optimizer's rate (0.5 here), over the plan's 3 × 100 steps.
    auto shape = schedule({{"type", "piecewise_linear"}, {"boundaries", {0.0, 1.0}}, {"factors", {0.2, 1.0}}}, 0.5)
                     ->make_callback();
    shape->set_model(model.get());
    shape->on_train_begin({3, 100, 300});
    EXPECT_DOUBLE_EQ(model->optimizer().learning_rate(), 0.1);
    model->optimizer().set_iterations(150);
    EXPECT_DOUBLE_EQ(model->optimizer().learning_rate(), 0.5 * 0.6);
}

}  // namespace
}  // namespace nnlab
