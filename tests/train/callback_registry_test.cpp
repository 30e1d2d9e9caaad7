// The [[callbacks]] descriptions: each callback read with Keras's defaults and described back to the same, file
// names kept as given, monitors checked against the logs a run will hold.
#include "nnlab/train/callbacks/callback_registry.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/train/callbacks/csv_logger.hpp"

namespace nnlab {
namespace {

using config::Description;
using config::Reader;
using ::testing::HasSubstr;

std::unique_ptr<Callback> callback(const Description& d, const CallbackContext& context = {}) {
    return callback_from(Reader(d, "callbacks[0]"), context);
}

TEST(CallbackRegistry, EveryCallbackDescribesItselfBackToTheSame) {
    for (const Description& d :
         {Description{{"type", "early_stopping"}, {"patience", 3}, {"baseline", 0.5}},
          Description{{"type", "model_checkpoint"}, {"filepath", "ckpt/{epoch:02d}.safetensors"}, {"save_freq", 10}},
          Description{{"type", "reduce_lr_on_plateau"}, {"factor", 0.5}}, Description{{"type", "terminate_on_nan"}},
          Description{{"type", "csv_logger"}, {"filename", "log.csv"}, {"separator", ";"}}}) {
        const Description described = callback_description(*callback(d));
        for (const auto& [key, value] : d.items()) EXPECT_EQ(described[key], value) << d.dump();
        EXPECT_EQ(callback_description(*callback(described)), described) << d.dump();
    }
    // Every default filled in, as Keras's.
    EXPECT_EQ(callback_description(*callback({{"type", "EarlyStopping"}})),
              Description({{"type", "early_stopping"},
                           {"monitor", "val_loss"},
                           {"min_delta", 0.0},
                           {"patience", 0},
                           {"mode", "auto"},
                           {"restore_best_weights", false},
                           {"start_from_epoch", 0}}));
}

TEST(CallbackRegistry, FileNamesAreInsideTheRunFolder) {
    const auto logger = callback({{"type", "csv_logger"}, {"filename", "log.csv"}}, {.run_folder = "runs/a"});
    EXPECT_EQ(dynamic_cast<const CSVLogger&>(*logger).filename(), std::filesystem::path("runs/a/log.csv"));
}

TEST(CallbackRegistry, MonitorsMustBeLogged) {
    const LogKeys logs{.keys = {"loss", "accuracy", "learning_rate"}, .has_validation = false};
    try {
        callback({{"type", "early_stopping"}}, {.logs = &logs});
        FAIL() << "accepted";
    } catch (const config::ConfigError& e) {
        EXPECT_STREQ(e.what(),
                     "callbacks[0].monitor: 'val_loss' is not in the logs (val_ keys need validation data: [data] "
                     "validation); they hold loss, accuracy, learning_rate");
    }
    try {
        callback({{"type", "reduce_lr_on_plateau"}, {"monitor", "loss"}}, {.logs = &logs, .schedule = "step_decay"});
        FAIL() << "accepted";
    } catch (const config::ConfigError& e) {
        EXPECT_THAT(e.what(), HasSubstr("would both set the learning rate"));
    }
}

}  // namespace
}  // namespace nnlab
