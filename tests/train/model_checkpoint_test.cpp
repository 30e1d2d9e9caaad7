// ModelCheckpoint: every epoch or only on improvement, the file name's fields, batch-frequency saving, and the
// files load back with the weights of the epoch they were written at.
#include "nnlab/train/callbacks/model_checkpoint.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "nnlab/core/error.hpp"
#include "nnlab/io/model_file.hpp"
#include "tests/support/callback_driver.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using nnlab::testing::run_scripted_epochs;
using nnlab::testing::TempDir;
using nnlab::testing::tiny_model;
using nnlab::testing::weight_mark;
using ::testing::HasSubstr;

float saved_mark(const std::filesystem::path& path) {
    LoadedModel loaded = load_model(path);
    return weight_mark(*loaded.model);
}

TEST(ModelCheckpoint, SaveBestOnlyWritesOnlyOnImprovementAndTheFileLoadsBack) {
    // val_loss 1.0 (saved), 1.2 (worse), 0.8 (saved), 0.9 (worse): the file holds epoch 2's weights (mark 3).
    TempDir dir;
    auto model = tiny_model();
    ModelCheckpoint checkpoint((dir / "best.safetensors").string(), {.save_best_only = true});
    run_scripted_epochs(*model, checkpoint, "val_loss", {1.0, 1.2, 0.8, 0.9});
    EXPECT_EQ(checkpoint.saves(), 2);
    EXPECT_DOUBLE_EQ(checkpoint.best(), 0.8);
    EXPECT_EQ(saved_mark(dir / "best.safetensors"), 3.0f);
    LoadedModel loaded = load_model(dir / "best.safetensors");
    EXPECT_TRUE(loaded.model->is_compiled());
    EXPECT_EQ(loaded.model->count_params(), model->count_params());
}

TEST(ModelCheckpoint, EveryEpochWithFieldsInTheName) {
    TempDir dir;
    auto model = tiny_model();
    ModelCheckpoint checkpoint((dir / "ckpt" / "m-{epoch:02d}-{val_loss:.4f}.safetensors").string());
    run_scripted_epochs(*model, checkpoint, "val_loss", {1.0, 1.25, 0.5});
    EXPECT_EQ(checkpoint.saves(), 3);
    // The folder is made; epochs count from 1 in the name.
    EXPECT_EQ(saved_mark(dir / "ckpt" / "m-01-1.0000.safetensors"), 1.0f);
    EXPECT_EQ(saved_mark(dir / "ckpt" / "m-02-1.2500.safetensors"), 2.0f);
    EXPECT_EQ(saved_mark(dir / "ckpt" / "m-03-0.5000.safetensors"), 3.0f);
    EXPECT_EQ(checkpoint.last_saved(), dir / "ckpt" / "m-03-0.5000.safetensors");
}

TEST(ModelCheckpoint, AccuracyIsMaximisedInAutoMode) {
    TempDir dir;
    auto model = tiny_model();
    ModelCheckpoint checkpoint((dir / "best.safetensors").string(),
                               {.monitor = "val_accuracy", .save_best_only = true});
    run_scripted_epochs(*model, checkpoint, "val_accuracy", {0.5, 0.7, 0.6});
    EXPECT_EQ(checkpoint.saves(), 2);
    EXPECT_EQ(saved_mark(dir / "best.safetensors"), 2.0f);
}

TEST(ModelCheckpoint, UnknownFieldIsAKeyErrorNamingIt) {
    TempDir dir;
    auto model = tiny_model();
    ModelCheckpoint checkpoint((dir / "{val_acc:.2f}.safetensors").string());
    try {
        run_scripted_epochs(*model, checkpoint, "val_loss", {1.0});
        FAIL() << "expected KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "filepath");
        EXPECT_THAT(e.what(), HasSubstr("{val_acc}"));
        EXPECT_THAT(e.what(), HasSubstr("epoch, val_loss, learning_rate"));
    }
    EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(ModelCheckpoint, MalformedPatternIsRefusedWhenMade) {
    EXPECT_THROW(ModelCheckpoint("m-{epoch.safetensors"), KeyError);
    EXPECT_THROW(ModelCheckpoint("m-{epoch:x}.safetensors"), KeyError);
    EXPECT_THROW(ModelCheckpoint("m.safetensors", {.mode = "best"}), KeyError);
    EXPECT_THROW(ModelCheckpoint("m.safetensors", {.save_freq = -1}), KeyError);
}

TEST(ModelCheckpoint, SaveFreqCountsBatchesAcrossEpochs) {
    // save_freq 3 over two epochs of 4 batches: after batches 3 (epoch 1) and 2 (epoch 2, the 6th overall).
    TempDir dir;
    auto model = tiny_model();
    ModelCheckpoint checkpoint((dir / "e{epoch}-b{batch}.safetensors").string(), {.save_freq = 3});
    checkpoint.set_model(model.get());
    checkpoint.on_train_begin({2, 4, 8});
    Logs logs;
    logs.set("loss", 0.5);
    for (int epoch = 0; epoch < 2; ++epoch) {
        checkpoint.on_epoch_begin(epoch);
        for (int64_t batch = 0; batch < 4; ++batch) checkpoint.on_batch_end(batch, logs);
        checkpoint.on_epoch_end(epoch, logs);
    }
    EXPECT_EQ(checkpoint.saves(), 2);
    EXPECT_TRUE(std::filesystem::exists(dir / "e1-b3.safetensors"));
    EXPECT_TRUE(std::filesystem::exists(dir / "e2-b2.safetensors"));
}

TEST(ModelCheckpoint, SaveBestOnlyWithoutTheMonitorNamesIt) {
    TempDir dir;
    auto model = tiny_model();
    ModelCheckpoint checkpoint((dir / "m.safetensors").string(), {.save_best_only = true});
    try {
        run_scripted_epochs(*model, checkpoint, "loss", {1.0});
        FAIL() << "expected nnlab::Error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("ModelCheckpoint: monitor 'val_loss' is not in the logs"));
    }
}

}  // namespace
}  // namespace nnlab
