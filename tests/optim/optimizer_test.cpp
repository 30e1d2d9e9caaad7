// Tests for the Optimizer base (step, scheduled learning rate) and make_optimizer (Keras: optimizers.get).
#include "nnlab/optim/optimizer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/optim/adam.hpp"
#include "nnlab/optim/adamw.hpp"
#include "nnlab/optim/rmsprop.hpp"
#include "nnlab/optim/schedules.hpp"
#include "nnlab/optim/sgd.hpp"
#include "tests/support/tensor_helpers.hpp"

namespace nnlab {
namespace {

using testing::arena;
using ::testing::ElementsAre;
using ::testing::FloatNear;
using testing::values;
using json = nlohmann::json;

struct Caught {
    std::string key;
    std::string message;
};

// The KeyError make_optimizer throws for `config`, or a failure when it throws none.
Caught key_error(const json& config) {
    try {
        make_optimizer(config);
    } catch (const KeyError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::bad_input);
        return {e.key(), e.what()};
    }
    ADD_FAILURE() << "no KeyError for " << config.dump();
    return {};
}

// ---- the base class ----

TEST(Optimizer, LearningRateFollowsTheScheduleThroughIterations) {
    // ExponentialDecay 0.1·0.5^step: the rate at iterations 0, 1, 2 is 0.1, 0.05, 0.025, and each step
    // uses the rate of its own iteration: p = 1 − 0.1·1 − 0.05·1 = 0.85.
    SGD sgd(1.0);
    sgd.set_schedule(ExponentialDecay{.initial_learning_rate = 0.1, .decay_steps = 1, .decay_rate = 0.5});
    sgd.build(1);
    Tensor p = arena({1.0f});
    const Tensor g = arena({1.0f});
    EXPECT_DOUBLE_EQ(sgd.learning_rate(), 0.1);
    sgd.step(p, g);
    EXPECT_EQ(sgd.iterations(), 1);
    EXPECT_DOUBLE_EQ(sgd.learning_rate(), 0.05);
    sgd.step(p, g);
    EXPECT_EQ(sgd.iterations(), 2);
    EXPECT_DOUBLE_EQ(sgd.learning_rate(), 0.025);
    EXPECT_THAT(values(p), ElementsAre(FloatNear(0.85f, 1e-6f)));
}

TEST(Optimizer, SetLearningRateChangesTheRateOfTheNextStep) {
    SGD sgd(0.1);
    sgd.build(1);
    Tensor p = arena({1.0f});
    sgd.set_learning_rate(0.5);
    EXPECT_DOUBLE_EQ(sgd.learning_rate(), 0.5);
    sgd.step(p, arena({1.0f}));  // 1 − 0.5·1
    EXPECT_THAT(values(p), ElementsAre(FloatNear(0.5f, 1e-7f)));
}

TEST(Optimizer, StepRejectsArenasOfDifferentSizes) {
    Adam adam;
    adam.build(3);
    Tensor p = arena({1.0f, 2.0f, 3.0f});
    try {
        adam.step(p, arena({1.0f, 2.0f}));
        FAIL() << "expected nnlab::Error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::failure);
        EXPECT_STREQ(e.what(),
                     "optimizer adam: the parameter arena holds 3 values but the gradient arena holds 2; they must be "
                     "the same size");
    }
    EXPECT_EQ(adam.iterations(), 0);
}

TEST(Optimizer, StepRejectsANegativeScheduledRate) {
    SGD sgd(0.1);
    sgd.set_schedule([](int64_t) { return -0.01; });
    sgd.build(1);
    Tensor p = arena({1.0f});
    try {
        sgd.step(p, arena({1.0f}));
        FAIL() << "expected nnlab::Error";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(),
                     "optimizer sgd: the learning rate for step 1 is -0.01; expected a finite number >= 0 (check the "
                     "learning-rate schedule)");
    }
    EXPECT_THAT(values(p), ElementsAre(1.0f));
    EXPECT_EQ(sgd.iterations(), 0);
}

TEST(Optimizer, StepRejectsANonFiniteScheduledRate) {
    SGD sgd(0.1);
    sgd.set_schedule([](int64_t) { return std::numeric_limits<double>::infinity(); });
    sgd.build(1);
    Tensor p = arena({1.0f});
    try {
        sgd.step(p, arena({1.0f}));
        FAIL() << "expected nnlab::Error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("the learning rate for step 1 is inf"));
    }
}

TEST(Optimizer, ConstructorRejectsANonPositiveLearningRate) {
    try {
        Adam adam(0.0);
        FAIL() << "expected nnlab::KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "learning_rate");
        EXPECT_STREQ(e.what(), "learning_rate: expected a number > 0, found 0.0");
    }
    EXPECT_THROW(SGD(-1.0), KeyError);
}

TEST(Optimizer, LargeArenasGiveTheSameElementwiseResults) {
    // 30000 copies of a 3-element problem (90000 values) take the multi-threaded, vectorised path; every
    // copy must end where the 3-element arena does, whatever the thread count.
    const std::vector<json> configs = {
        {{"type", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", true}},
        {{"type", "rmsprop"}, {"learning_rate", 0.01}, {"momentum", 0.5}, {"centered", true}},
        {{"type", "adam"}, {"learning_rate", 0.05}, {"amsgrad", true}},
        {{"type", "adamw"}, {"learning_rate", 0.05}, {"weight_decay", 0.1}},
        {{"type", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"weight_decay", 0.1}},
    };
    constexpr int64_t copies = 30000;
    for (const json& config : configs) {
        Tensor small_p = arena({1.0f, -2.0f, 0.5f});
        Tensor large_p(Shape{3 * copies});
        Tensor large_g1(Shape{3 * copies});
        Tensor large_g2(Shape{3 * copies});
        const Tensor g1 = arena({0.5f, -1.0f, 2.0f});
        const Tensor g2 = arena({0.1f, 0.2f, -0.3f});
        for (int64_t i = 0; i < 3 * copies; ++i) {
            large_p[i] = small_p[i % 3];
            large_g1[i] = g1[i % 3];
            large_g2[i] = g2[i % 3];
        }
        const auto small = make_optimizer(config);
        const auto large = make_optimizer(config);
        small->build(3);
        large->build(3 * copies);
        small->step(small_p, g1);
        small->step(small_p, g2);
        large->step(large_p, large_g1);
        large->step(large_p, large_g2);
        int mismatches = 0;
        for (int64_t i = 0; i < 3 * copies; ++i) mismatches += large_p[i] == small_p[i % 3] ? 0 : 1;
        EXPECT_EQ(mismatches, 0) << config.dump();
    }
}

// ---- make_optimizer ----

TEST(MakeOptimizer, TypeAloneGivesKerasDefaults) {
    EXPECT_EQ(make_optimizer({{"type", "sgd"}})->config(), SGD().config());
    EXPECT_EQ(make_optimizer({{"type", "rmsprop"}})->config(), RMSprop().config());
    EXPECT_EQ(make_optimizer({{"type", "adam"}})->config(), Adam().config());
    EXPECT_EQ(make_optimizer({{"type", "adamw"}})->config(), AdamW().config());
    EXPECT_DOUBLE_EQ(make_optimizer({{"type", "sgd"}})->learning_rate(), 0.01);
    EXPECT_DOUBLE_EQ(make_optimizer({{"type", "adam"}})->learning_rate(), 0.001);
}

TEST(MakeOptimizer, ReadsEveryHyperparameter) {
    const json sgd = {{"type", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", true}};
    const json rmsprop = {{"type", "rmsprop"}, {"learning_rate", 0.01}, {"rho", 0.8},
                          {"momentum", 0.5},   {"epsilon", 1e-3},       {"centered", true}};
    const json adam = {{"type", "adam"}, {"learning_rate", 0.05}, {"beta_1", 0.5},
                       {"beta_2", 0.75}, {"epsilon", 1e-3},       {"amsgrad", true}};
    const json adamw = {{"type", "adamw"}, {"learning_rate", 0.05}, {"weight_decay", 0.1}, {"beta_1", 0.5},
                        {"beta_2", 0.75},  {"epsilon", 1e-3},       {"amsgrad", true}};
    // Every optimizer takes Keras 3's weight_decay; config() writes it when set (AdamW's always).
    const json sgd_decayed = {
        {"type", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", true}, {"weight_decay", 5e-4}};
    const json adam_decayed = {{"type", "adam"},  {"learning_rate", 0.05}, {"beta_1", 0.5},       {"beta_2", 0.75},
                               {"epsilon", 1e-3}, {"amsgrad", true},       {"weight_decay", 0.01}};
    for (const json& config : {sgd, rmsprop, adam, adamw, sgd_decayed, adam_decayed}) {
        const auto optimizer = make_optimizer(config);
        EXPECT_EQ(optimizer->name(), config["type"]);
        EXPECT_EQ(optimizer->config(), config);  // config() round-trips through make_optimizer
    }
}

TEST(MakeOptimizer, AcceptsAnIntegerLearningRate) {
    EXPECT_DOUBLE_EQ(make_optimizer({{"type", "sgd"}, {"learning_rate", 1}})->learning_rate(), 1.0);
}

TEST(MakeOptimizer, UnknownTypeListsTheKnownOnes) {
    const Caught e = key_error({{"type", "adagrad"}});
    EXPECT_EQ(e.key, "type");
    EXPECT_EQ(e.message, "type: unknown optimizer 'adagrad'; expected one of sgd, rmsprop, adam, adamw");
}

TEST(MakeOptimizer, MissingTypeIsAnError) {
    const Caught e = key_error({{"learning_rate", 0.1}});
    EXPECT_EQ(e.key, "type");
    EXPECT_EQ(e.message, "type: missing; expected one of sgd, rmsprop, adam, adamw");
}

TEST(MakeOptimizer, TypeMustBeAString) {
    const Caught e = key_error({{"type", 3}});
    EXPECT_EQ(e.key, "type");
    EXPECT_EQ(e.message, "type: expected a string, found 3");
}

TEST(MakeOptimizer, UnknownKeyNamesItAndTheOptimizersKeys) {
    Caught e = key_error({{"type", "adam"}, {"momentum", 0.9}});
    EXPECT_EQ(e.key, "momentum");
    EXPECT_EQ(e.message,
              "momentum: unknown key for optimizer adam; expected one of type, learning_rate, beta_1, beta_2, epsilon, "
              "amsgrad, clipnorm, clipvalue, global_clipnorm, weight_decay, param_groups");
    e = key_error({{"type", "sgd"}, {"beta_1", 0.9}});
    EXPECT_EQ(e.key, "beta_1");
    EXPECT_EQ(
        e.message,
        "beta_1: unknown key for optimizer sgd; expected one of type, learning_rate, momentum, nesterov, clipnorm, "
        "clipvalue, global_clipnorm, weight_decay, param_groups");
    e = key_error({{"type", "rmsprop"}, {"amsgrad", true}});
    EXPECT_EQ(
        e.message,
        "amsgrad: unknown key for optimizer rmsprop; expected one of type, learning_rate, rho, momentum, epsilon, "
        "centered, clipnorm, clipvalue, global_clipnorm, weight_decay, param_groups");
    e = key_error({{"type", "sgd"}, {"weight_decay", -0.01}});
    EXPECT_EQ(e.key, "weight_decay");
}

TEST(MakeOptimizer, WrongTypesNameTheKeyTheExpectationAndTheValue) {
    Caught e = key_error({{"type", "adam"}, {"beta_1", "0.9"}});
    EXPECT_EQ(e.key, "beta_1");
    EXPECT_EQ(e.message, "beta_1: expected a number in [0, 1), found \"0.9\"");
    e = key_error({{"type", "sgd"}, {"nesterov", 1}});
    EXPECT_EQ(e.key, "nesterov");
    EXPECT_EQ(e.message, "nesterov: expected true or false, found 1");
    e = key_error({{"type", "adam"}, {"learning_rate", true}});
    EXPECT_EQ(e.key, "learning_rate");
    EXPECT_EQ(e.message, "learning_rate: expected a number > 0, found true");
    e = key_error({{"type", "rmsprop"}, {"centered", "yes"}});
    EXPECT_EQ(e.message, "centered: expected true or false, found \"yes\"");
    e = key_error({{"type", "adamw"}, {"amsgrad", nullptr}});
    EXPECT_EQ(e.message, "amsgrad: expected true or false, found null");
}

TEST(MakeOptimizer, OutOfRangeValuesNameTheKeyTheRangeAndTheValue) {
    Caught e = key_error({{"type", "adam"}, {"learning_rate", 0}});
    EXPECT_EQ(e.key, "learning_rate");
    EXPECT_EQ(e.message, "learning_rate: expected a number > 0, found 0");
    e = key_error({{"type", "sgd"}, {"learning_rate", -0.1}});
    EXPECT_EQ(e.message, "learning_rate: expected a number > 0, found -0.1");
    e = key_error({{"type", "adam"}, {"beta_2", 1.0}});
    EXPECT_EQ(e.key, "beta_2");
    EXPECT_EQ(e.message, "beta_2: expected a number in [0, 1), found 1.0");
    e = key_error({{"type", "adamw"}, {"beta_1", -0.5}});
    EXPECT_EQ(e.message, "beta_1: expected a number in [0, 1), found -0.5");
    e = key_error({{"type", "adam"}, {"epsilon", 0}});
    EXPECT_EQ(e.key, "epsilon");
    EXPECT_EQ(e.message, "epsilon: expected a number > 0, found 0");
    e = key_error({{"type", "sgd"}, {"momentum", 1}});
    EXPECT_EQ(e.key, "momentum");
    EXPECT_EQ(e.message, "momentum: expected a number in [0, 1), found 1");
    e = key_error({{"type", "rmsprop"}, {"momentum", -0.1}});
    EXPECT_EQ(e.message, "momentum: expected a number in [0, 1), found -0.1");
    e = key_error({{"type", "rmsprop"}, {"rho", 1.5}});
    EXPECT_EQ(e.key, "rho");
    EXPECT_EQ(e.message, "rho: expected a number in [0, 1), found 1.5");
    e = key_error({{"type", "adamw"}, {"weight_decay", -0.004}});
    EXPECT_EQ(e.key, "weight_decay");
    EXPECT_EQ(e.message, "weight_decay: expected a number >= 0, found -0.004");
}

TEST(MakeOptimizer, BoundaryValuesInsideTheRangesAreAccepted) {
    EXPECT_NO_THROW(make_optimizer({{"type", "sgd"}, {"momentum", 0}}));
    EXPECT_NO_THROW(make_optimizer({{"type", "adam"}, {"beta_1", 0.0}, {"beta_2", 0.0}}));
    EXPECT_NO_THROW(make_optimizer({{"type", "adamw"}, {"weight_decay", 0}}));
}

TEST(MakeOptimizer, ConfigIsANameOrATable) {
    // A name alone is the type with Keras's defaults, as keras.optimizers.get("adam").
    EXPECT_EQ(make_optimizer(json("adam"))->config(), make_optimizer({{"type", "adam"}})->config());
    try {
        make_optimizer(json(3));
        FAIL() << "expected nnlab::Error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::bad_input);
        EXPECT_STREQ(e.what(), "expected an optimizer (a name, or a table with a type and its keys), found 3");
    }
}

// What the memory check counts for each optimizer: the arrays the size of the parameters it keeps.
TEST(Optimizer, StateCopiesAreTheArraysItKeeps) {
    EXPECT_EQ(make_optimizer(json{{"type", "adam"}})->state_copies(), 2);
    EXPECT_EQ(make_optimizer(json{{"type", "adam"}, {"amsgrad", true}})->state_copies(), 3);
    EXPECT_EQ(make_optimizer(json{{"type", "adamw"}})->state_copies(), 2);
    EXPECT_EQ(make_optimizer(json{{"type", "sgd"}})->state_copies(), 0);
    EXPECT_EQ(make_optimizer(json{{"type", "sgd"}, {"momentum", 0.9}})->state_copies(), 1);
    EXPECT_EQ(make_optimizer(json{{"type", "rmsprop"}})->state_copies(), 1);
    EXPECT_EQ(make_optimizer(json{{"type", "rmsprop"}, {"momentum", 0.9}, {"centered", true}})->state_copies(), 3);
    EXPECT_EQ(make_optimizer(json{{"type", "sgd"}, {"clipnorm", 1.0}})->state_copies(), 1);  // the clipped copy
}

}  // namespace
}  // namespace nnlab
