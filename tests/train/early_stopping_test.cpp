// EarlyStopping (Keras 3's logic) on scripted logs driving a real model through fit()'s hooks: when it stops,
// which epoch is best, which weights come back, and min_delta, mode, baseline and start_from_epoch.
#include "nnlab/train/callbacks/early_stopping.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nnlab/core/error.hpp"
#include "tests/support/callback_driver.hpp"
#include "tests/support/error_message.hpp"

namespace nnlab {
namespace {

using nnlab::testing::run_scripted_epochs;
using nnlab::testing::tiny_model;
using nnlab::testing::weight_mark;
using ::testing::HasSubstr;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

TEST(EarlyStopping, StopsAfterPatienceAndRestoresTheBestEpochsWeights) {
    // val_loss 1.0 (best), 0.9 (best, wait 0), 0.95 (wait 1), 0.97 (wait 2 = patience: stop at epoch 3);
    // epoch 4 (0.8) never runs. The weights marked at epoch 1 (value 2) come back.
    auto model = tiny_model();
    EarlyStopping early({.patience = 2, .restore_best_weights = true});
    const auto run = run_scripted_epochs(*model, early, "val_loss", {1.0, 0.9, 0.95, 0.97, 0.8});
    EXPECT_EQ(run.epochs_run, 4);
    EXPECT_EQ(early.stopped_epoch(), 3);
    EXPECT_EQ(early.best_epoch(), 1);
    EXPECT_DOUBLE_EQ(early.best(), 0.9);
    EXPECT_TRUE(early.restored_best_weights());
    EXPECT_EQ(weight_mark(*model), 2.0f);
}

TEST(EarlyStopping, KeepsTheLastWeightsWithoutRestoreBestWeights) {
    auto model = tiny_model();
    EarlyStopping early({.patience = 2});
    run_scripted_epochs(*model, early, "val_loss", {1.0, 0.9, 0.95, 0.97, 0.8});
    EXPECT_EQ(early.stopped_epoch(), 3);
    EXPECT_FALSE(early.restored_best_weights());
    EXPECT_EQ(weight_mark(*model), 4.0f);  // epoch 3's
}

TEST(EarlyStopping, RestoresTheBestWeightsEvenWhenTrainingRanToTheEnd) {
    // Keras restores in on_train_end whenever best weights exist, stopped or not.
    auto model = tiny_model();
    EarlyStopping early({.patience = 5, .restore_best_weights = true});
    const auto run = run_scripted_epochs(*model, early, "val_loss", {1.0, 0.5, 0.7});
    EXPECT_EQ(run.epochs_run, 3);
    EXPECT_EQ(early.stopped_epoch(), 0);
    EXPECT_EQ(weight_mark(*model), 2.0f);
}

TEST(EarlyStopping, MinDeltaMakesSmallGainsCountAsNoImprovement) {
    // min_delta 0.1: 0.95 and 0.9 are not below 1.0 − 0.1 = 0.9 (strictly), so epoch 1 stops with patience 1.
    auto model = tiny_model();
    EarlyStopping strict({.min_delta = 0.1, .patience = 1});
    EXPECT_EQ(run_scripted_epochs(*model, strict, "val_loss", {1.0, 0.95, 0.9}).epochs_run, 2);
    EXPECT_EQ(strict.stopped_epoch(), 1);
    EXPECT_EQ(strict.best_epoch(), 0);
    // Keras takes |min_delta|: a negative one behaves the same.
    EarlyStopping negative({.min_delta = -0.1, .patience = 1});
    run_scripted_epochs(*model, negative, "val_loss", {1.0, 0.95, 0.9});
    EXPECT_EQ(negative.stopped_epoch(), 1);
    // Without min_delta both are improvements.
    EarlyStopping plain({.patience = 1});
    EXPECT_EQ(run_scripted_epochs(*model, plain, "val_loss", {1.0, 0.95, 0.9}).epochs_run, 3);
    EXPECT_EQ(plain.stopped_epoch(), 0);
    EXPECT_EQ(plain.best_epoch(), 2);
}

TEST(EarlyStopping, AccuracyIsMaximisedInAutoMode) {
    // "acc" in the name: higher is better. 0.5, 0.6 (best), 0.55 (wait 1 = patience: stop at epoch 2).
    auto model = tiny_model();
    EarlyStopping early({.monitor = "val_accuracy", .patience = 1, .restore_best_weights = true});
    run_scripted_epochs(*model, early, "val_accuracy", {0.5, 0.6, 0.55, 0.9});
    EXPECT_EQ(early.stopped_epoch(), 2);
    EXPECT_EQ(early.best_epoch(), 1);
    EXPECT_EQ(weight_mark(*model), 2.0f);
}

TEST(EarlyStopping, ModeMaxOverridesTheName) {
    // mode "max" on val_loss: 1.0, 0.9 is worse → stop at epoch 1 with patience 1.
    auto model = tiny_model();
    EarlyStopping early({.patience = 1, .mode = "max"});
    run_scripted_epochs(*model, early, "val_loss", {1.0, 0.9, 2.0});
    EXPECT_EQ(early.stopped_epoch(), 1);
    EarlyStopping minimise({.monitor = "val_accuracy", .patience = 1, .mode = "min"});
    run_scripted_epochs(*model, minimise, "val_accuracy", {0.5, 0.6, 0.1});
    EXPECT_EQ(minimise.stopped_epoch(), 1);
}

TEST(EarlyStopping, BaselineKeepsTheWaitRunningUntilBeaten) {
    // baseline 0.5: 0.9 and 0.8 improve on the best but not on the baseline, so the wait keeps counting
    // (1, 2); 0.85 is no improvement and the wait reaches 3 = patience: stop at epoch 2.
    auto model = tiny_model();
    EarlyStopping early({.patience = 3, .baseline = 0.5});
    run_scripted_epochs(*model, early, "val_loss", {0.9, 0.8, 0.85, 0.7});
    EXPECT_EQ(early.stopped_epoch(), 2);
    EXPECT_EQ(early.best_epoch(), 1);
    // Without the baseline the same values never stop (waits 0, 0, 1, 0).
    EarlyStopping plain({.patience = 3});
    EXPECT_EQ(run_scripted_epochs(*model, plain, "val_loss", {0.9, 0.8, 0.85, 0.7}).epochs_run, 4);
    // Beating the baseline restarts the wait.
    EarlyStopping beaten({.patience = 2, .baseline = 0.5});
    EXPECT_EQ(run_scripted_epochs(*model, beaten, "val_loss", {0.4, 0.45, 0.3, 0.35}).epochs_run, 4);
    EXPECT_EQ(beaten.stopped_epoch(), 0);
}

TEST(EarlyStopping, StartFromEpochIgnoresTheWarmUp) {
    // Epochs 0 and 1 are not monitored; 3.0 (best), 2.5 (best), 2.6 (no: patience 0 stops at epoch 4).
    auto model = tiny_model();
    EarlyStopping early({.patience = 0, .restore_best_weights = true, .start_from_epoch = 2});
    run_scripted_epochs(*model, early, "val_loss", {1.0, 2.0, 3.0, 2.5, 2.6, 1.0});
    EXPECT_EQ(early.stopped_epoch(), 4);
    EXPECT_EQ(early.best_epoch(), 3);
    EXPECT_EQ(weight_mark(*model), 4.0f);
    // Monitored from the start, 2.0 after 1.0 stops at once.
    EarlyStopping eager({.patience = 0});
    run_scripted_epochs(*model, eager, "val_loss", {1.0, 2.0, 3.0});
    EXPECT_EQ(eager.stopped_epoch(), 1);
}

TEST(EarlyStopping, NeverStopsAtTheEndOfEpochZero) {
    // A nan is no improvement; at epoch 0 the wait (1) passes patience 0 but Keras requires epoch > 0.
    auto model = tiny_model();
    EarlyStopping early({.patience = 0});
    EXPECT_EQ(run_scripted_epochs(*model, early, "val_loss", {nan, nan, 1.0}).epochs_run, 2);
    EXPECT_EQ(early.stopped_epoch(), 1);
}

TEST(EarlyStopping, FirstMonitoredEpochStandsInAsBestUntilSomethingImproves) {
    // All nan: nothing improves, yet the weights of the first monitored epoch are kept and restored.
    auto model = tiny_model();
    EarlyStopping early({.patience = 1, .restore_best_weights = true, .start_from_epoch = 1});
    run_scripted_epochs(*model, early, "val_loss", {nan, nan, nan, nan});
    EXPECT_EQ(early.stopped_epoch(), 1);  // wait 1 = patience at the first monitored epoch
    EXPECT_EQ(early.best_epoch(), 1);
    EXPECT_EQ(weight_mark(*model), 2.0f);
}

TEST(EarlyStopping, InstanceResetsForTheNextFit) {
    auto model = tiny_model();
    EarlyStopping early({.patience = 0});
    run_scripted_epochs(*model, early, "val_loss", {1.0, 2.0});
    EXPECT_EQ(early.stopped_epoch(), 1);
    EXPECT_EQ(run_scripted_epochs(*model, early, "val_loss", {3.0, 2.0, 1.0}).epochs_run, 3);
    EXPECT_EQ(early.stopped_epoch(), 0);
    EXPECT_EQ(early.best_epoch(), 2);
}

TEST(EarlyStopping, MissingMonitorNamesTheKeyAndTheLoggedKeys) {
    auto model = tiny_model();
    EarlyStopping early({.monitor = "val_accuracy"});
    const std::string message =
        nnlab::testing::error_message([&] { run_scripted_epochs(*model, early, "loss", {1.0}); });
    EXPECT_THAT(message, HasSubstr("EarlyStopping"));
    EXPECT_THAT(message, HasSubstr("'val_accuracy'"));
    EXPECT_THAT(message, HasSubstr("loss, learning_rate"));
}

TEST(EarlyStopping, RejectsBadOptionsNamingTheKey) {
    try {
        EarlyStopping({.mode = "maximum"});
        FAIL() << "expected KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "mode");
        EXPECT_THAT(e.what(), HasSubstr("\"maximum\""));
    }
    EXPECT_THROW(EarlyStopping({.patience = -1}), KeyError);
    EXPECT_THROW(EarlyStopping({.start_from_epoch = -1}), KeyError);
}

}  // namespace
}  // namespace nnlab
