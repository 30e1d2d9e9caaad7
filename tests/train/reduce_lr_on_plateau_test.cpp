// ReduceLROnPlateau (Keras 3's logic) on scripted logs: patience, cooldown, min_lr, min_delta, mode, and the
// refusal of a per-step schedule.
#include "nnlab/train/callbacks/reduce_lr_on_plateau.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "nnlab/optim/schedules.hpp"
#include "nnlab/train/callbacks/learning_rate_scheduler.hpp"
#include "tests/support/callback_driver.hpp"
#include "tests/support/error_message.hpp"

namespace nnlab {
namespace {

using nnlab::testing::run_scripted_epochs;
using nnlab::testing::tiny_model;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ReduceLROnPlateau, CooldownPausesTheWaitAndMinLrIsTheFloor) {
    // A flat val_loss; factor 0.5, patience 1, cooldown 2, min_lr 0.2, starting at 1.0.
    //   e0 best 1.0 · e1 wait 1 → 0.5, cooldown 2 · e2 cooldown 1 · e3 cooldown 0, wait 1 → 0.25 ·
    //   e4 cooldown 1 · e5 wait 1 → max(0.125, 0.2) = 0.2 · e6 cooldown · e7, e8 at the floor: no change.
    auto model = tiny_model(1.0);
    ReduceLROnPlateau plateau({.factor = 0.5, .patience = 1, .cooldown = 2, .min_lr = 0.2});
    const auto run = run_scripted_epochs(*model, plateau, "val_loss", std::vector<double>(9, 1.0));
    EXPECT_THAT(run.learning_rates, ElementsAre(1.0, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2));
    EXPECT_EQ(plateau.reductions(), 3);
}

TEST(ReduceLROnPlateau, ImprovementsResetTheWait) {
    // patience 2: 1.0, 0.9 (better), 0.95 (wait 1), 0.8 (better), 0.85 (wait 1), 0.9 (wait 2 → 0.1 · rate).
    auto model = tiny_model(1.0);
    ReduceLROnPlateau plateau({.patience = 2});
    const auto run = run_scripted_epochs(*model, plateau, "val_loss", {1.0, 0.9, 0.95, 0.8, 0.85, 0.9});
    EXPECT_THAT(run.learning_rates, ElementsAre(1.0, 1.0, 1.0, 1.0, 1.0, 0.1));
}

TEST(ReduceLROnPlateau, MinDeltaDefaultIgnoresTinyGains) {
    // min_delta 1e-4: 0.99995 is not below 1.0 − 1e-4, so patience 1 reduces at epoch 1.
    auto model = tiny_model(1.0);
    ReduceLROnPlateau plateau({.patience = 1});
    EXPECT_THAT(run_scripted_epochs(*model, plateau, "val_loss", {1.0, 0.99995}).learning_rates, ElementsAre(1.0, 0.1));
    auto fresh = tiny_model(1.0);
    ReduceLROnPlateau exact({.patience = 1, .min_delta = 0.0});
    EXPECT_THAT(run_scripted_epochs(*fresh, exact, "val_loss", {1.0, 0.99995}).learning_rates, ElementsAre(1.0, 1.0));
}

TEST(ReduceLROnPlateau, AccuracyIsMaximisedInAutoMode) {
    auto model = tiny_model(1.0);
    ReduceLROnPlateau plateau({.monitor = "val_accuracy", .factor = 0.5, .patience = 1});
    EXPECT_THAT(run_scripted_epochs(*model, plateau, "val_accuracy", {0.5, 0.7, 0.6}).learning_rates,
                ElementsAre(1.0, 1.0, 0.5));
}

TEST(ReduceLROnPlateau, RefusesAPerStepSchedule) {
    auto model = tiny_model(1.0);
    model->optimizer().set_schedule(CosineDecay{.initial_learning_rate = 1.0, .decay_steps = 10});
    ReduceLROnPlateau plateau;
    const std::string message =
        nnlab::testing::error_message([&] { run_scripted_epochs(*model, plateau, "val_loss", {1.0}); });
    EXPECT_THAT(message, HasSubstr("per-step schedule"));
}

TEST(ReduceLROnPlateau, AnEpochScheduleOverwritesTheReductionAtTheNextEpoch) {
    // The documented order: the scheduler writes at on_epoch_begin, the plateau at on_epoch_end.
    auto model = tiny_model(1.0);
    LearningRateScheduler scheduler([](int) { return 1.0; });
    ReduceLROnPlateau plateau({.factor = 0.5, .patience = 0});
    scheduler.set_model(model.get());
    plateau.set_model(model.get());
    plateau.on_train_begin({3, 1, 3});
    Logs logs;
    logs.set("val_loss", 1.0);
    scheduler.on_epoch_begin(0);
    plateau.on_epoch_end(0, logs);  // improvement: no change
    scheduler.on_epoch_begin(1);
    plateau.on_epoch_end(1, logs);  // patience 0: halved
    EXPECT_DOUBLE_EQ(model->optimizer().learning_rate(), 0.5);
    scheduler.on_epoch_begin(2);
    EXPECT_DOUBLE_EQ(model->optimizer().learning_rate(), 1.0);
}

TEST(ReduceLROnPlateau, RejectsBadOptionsNamingTheKey) {
    const auto key_of = [](ReduceLROnPlateauOptions options) {
        try {
            ReduceLROnPlateau{options};
        } catch (const KeyError& e) {
            return e.key();
        }
        return std::string("no error");
    };
    EXPECT_EQ(key_of({.factor = 1.0}), "factor");  // Keras: a factor >= 1 is refused
    EXPECT_EQ(key_of({.factor = 0.0}), "factor");
    EXPECT_EQ(key_of({.patience = -1}), "patience");
    EXPECT_EQ(key_of({.mode = "up"}), "mode");
    EXPECT_EQ(key_of({.cooldown = -2}), "cooldown");
    EXPECT_EQ(key_of({.min_lr = -1.0}), "min_lr");
}

TEST(ReduceLROnPlateau, MissingMonitorNamesTheKey) {
    auto model = tiny_model(1.0);
    ReduceLROnPlateau plateau;
    EXPECT_THAT(nnlab::testing::error_message([&] { run_scripted_epochs(*model, plateau, "loss", {1.0}); }),
                HasSubstr("'val_loss' is not in the logs"));
}

}  // namespace
}  // namespace nnlab
