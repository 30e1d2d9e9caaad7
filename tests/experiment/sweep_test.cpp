// Sweeps: every combination of the [sweep] values becomes a checked variant, and a bad sweep is an error
// naming the file, the line and the key before anything trains.
#include "nnlab/experiment/sweep.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using nnlab::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string base = R"(name = "grid"
[model]
input_shape = [4, 4, 3]
layers = [{ type = "Flatten" }, { type = "Dense", units = 10, activation = "softmax" }]
[train]
epochs = 2
[optimizer]
type = "adam"
)";

std::string error_for(const std::string& sweep) {
    TempDir dir;
    const auto file = dir.write("sweep.toml", base + sweep);
    try {
        load_sweep(file);
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::bad_input);
        return error.what();
    }
    return "no error";
}

TEST(Sweep, EveryCombinationInOrderWithTheValuesApplied) {
    TempDir dir;
    const auto file = dir.write("sweep.toml", base + R"([sweep]
train.loss = ["categorical_crossentropy", "hinge"]
optimizer.learning_rate = [0.01, 0.001, 0.0001]
seed = [1, 2]
)");
    const Sweep sweep = load_sweep(file);
    EXPECT_EQ(sweep.name, "grid");
    EXPECT_THAT(sweep.keys, ElementsAre("train.loss", "optimizer.learning_rate", "seed"));
    ASSERT_EQ(sweep.variants.size(), 12u);
    // In the file's order, the last key varying fastest.
    EXPECT_EQ(sweep.variants[0].label, "loss=categorical_crossentropy learning_rate=0.01 seed=1");
    EXPECT_EQ(sweep.variants[1].label, "loss=categorical_crossentropy learning_rate=0.01 seed=2");
    EXPECT_EQ(sweep.variants[11].label, "loss=hinge learning_rate=0.0001 seed=2");
    const Experiment& last = sweep.variants[11].experiment;
    EXPECT_EQ(last.loss["type"], "hinge");
    EXPECT_EQ(last.seed, 2u);
    EXPECT_DOUBLE_EQ(last.optimizer["learning_rate"].get<double>(), 0.0001);
    EXPECT_EQ(last.epochs, 2);  // the rest of the file is unchanged
    EXPECT_EQ(sweep.variants[0].experiment.loss["type"], "categorical_crossentropy");
}

TEST(Sweep, CreatesATableTheFileDoesNotHave) {
    TempDir dir;
    const auto file = dir.write("sweep.toml", base + "[sweep]\ndata.train_samples = [100, 200]\n");
    const Sweep sweep = load_sweep(file);
    ASSERT_EQ(sweep.variants.size(), 2u);
    EXPECT_EQ(sweep.variants[1].experiment.train_samples, 200);
}

TEST(Sweep, BadSweepsNameTheKey) {
    EXPECT_THAT(
        error_for("[sweep]\ntrain.loss = []\n"),
        HasSubstr("sweep.toml:10: sweep.train.loss: expected a non-empty array of values to compare, found []"));
    EXPECT_THAT(error_for("[sweep]\ntrain.loss = \"hinge\"\n"),
                HasSubstr("sweep.toml:10: sweep.train.loss: expected an array of values to compare, found \"hinge\""));
    EXPECT_THAT(error_for("[sweep]\ntrain.los = [\"hinge\"]\n"), HasSubstr("train.los: unknown key"));
    EXPECT_THAT(error_for("[sweep]\ntrain.loss = [\"hinge\", \"hing\"]\n"),
                HasSubstr("variant 2 (loss=hing): train.loss: unknown loss 'hing'"));
    EXPECT_THAT(error_for("[sweep]\n"), HasSubstr("sweep: empty"));
    EXPECT_THAT(error_for(""), HasSubstr("no [sweep] table"));
}

TEST(Sweep, LayerSettingsByIndexAndByName) {
    TempDir dir;
    const auto file = dir.write("sweep.toml", base + R"([sweep]
"model.layers[1].units" = [10]
"model.layers.flatten.name" = ["flat", "input_flat"]
)");
    const Sweep sweep = load_sweep(file);
    ASSERT_EQ(sweep.variants.size(), 2u);
    EXPECT_EQ(sweep.variants[1].experiment.layers[0]["name"], "input_flat");
    EXPECT_EQ(sweep.variants[1].label, "units=10 name=input_flat");
    EXPECT_THAT(error_for("[sweep]\n\"model.layers[7].units\" = [10]\n"),
                HasSubstr("sweep.model.layers[7].units: \"model.layers\" holds 2 entries"));
    EXPECT_THAT(error_for("[sweep]\n\"model.layers[1].units\" = [10, 0]\n"),
                HasSubstr("variant 2 (units=0): model.layers[1].units"));
}

TEST(Sweep, RandomModeDrawsSamplesFromListsAndRangesWithTheSeed) {
    TempDir dir;
    const auto file = dir.write("sweep.toml", "seed = 5\n" + base + R"([sweep]
mode = "random"
samples = 40
optimizer.learning_rate = { min = 1e-4, max = 1e-1, scale = "log" }
train.batch_size = { min = 16, max = 256 }
train.loss = ["categorical_crossentropy", "hinge"]
)");
    const Sweep sweep = load_sweep(file);
    ASSERT_EQ(sweep.variants.size(), 40u);
    int below_1e3 = 0, hinge = 0;
    for (const SweepVariant& v : sweep.variants) {
        const double rate = v.experiment.optimizer["learning_rate"].get<double>();
        EXPECT_GE(rate, 1e-4);
        EXPECT_LE(rate, 1e-1);
        below_1e3 += rate < 1e-3;
        EXPECT_GE(v.experiment.batch_size, 16);
        EXPECT_LE(v.experiment.batch_size, 256);
        hinge += v.experiment.loss["type"] == "hinge";
    }
    // Log-uniform over three decades: a third below 1e-3 (a linear draw would put 0.9% there).
    EXPECT_GT(below_1e3, 5);
    EXPECT_GT(hinge, 5);
    EXPECT_LT(hinge, 35);
    // The same file draws the same variants.
    const Sweep again = load_sweep(file);
    for (size_t i = 0; i < 40; ++i) EXPECT_EQ(again.variants[i].label, sweep.variants[i].label);
    EXPECT_THAT(error_for("[sweep]\ntrain.batch_size = { min = 16, max = 256 }\n"),
                HasSubstr("needs mode = \"random\""));
    EXPECT_THAT(error_for("[sweep]\nmode = \"random\"\ntrain.batch_size = [16]\n"), HasSubstr("needs samples"));
    EXPECT_THAT(error_for("[sweep]\nmode = \"grid\"\nsamples = 3\ntrain.batch_size = [16]\n"),
                HasSubstr("only for mode = \"random\""));
    EXPECT_THAT(error_for("[sweep]\nmode = \"best\"\ntrain.batch_size = [16]\n"), HasSubstr("sweep.mode"));
    EXPECT_THAT(error_for("[sweep]\nmode = \"random\"\nsamples = 2\noptimizer.learning_rate = { min = 0, max = 1, "
                          "scale = \"log\" }\n"),
                HasSubstr("a log-scale range needs min > 0"));
    EXPECT_THAT(error_for("[sweep]\nmode = \"random\"\nsamples = 2\ntrain.batch_size = { min = 1, max = "
                          "9223372036854775807 }\n"),
                HasSubstr("an integer range must lie within ±2^53"));
}

TEST(Sweep, TrainingASweepFileSaysToCompare) {
    TempDir dir;
    const auto file = dir.write("sweep.toml", base + "[sweep]\ntrain.loss = [\"hinge\"]\n");
    try {
        load_experiment(file);
        ADD_FAILURE() << "no error";
    } catch (const Error& error) {
        EXPECT_THAT(error.what(), HasSubstr("nnlab compare"));
    }
}

TEST(Sweep, ExamplesAnswerTheSeedsQuestions) {
    const Sweep losses = load_sweep(std::string(NNLAB_SOURCE_DIR) + "/examples/seed_losses.toml");
    ASSERT_EQ(losses.variants.size(), 3u);
    EXPECT_EQ(losses.variants[2].experiment.loss["type"], "hinge");
    const Sweep capacity = load_sweep(std::string(NNLAB_SOURCE_DIR) + "/examples/seed_capacity.toml");
    ASSERT_EQ(capacity.variants.size(), 9u);
    EXPECT_EQ(capacity.variants[5].label, "units=512 rate=0.5");
    EXPECT_EQ(capacity.variants[5].experiment.layers[1]["units"], 512);
    EXPECT_EQ(capacity.variants[5].experiment.layers[3]["rate"], 0.5);
    const Sweep rates = load_sweep(std::string(NNLAB_SOURCE_DIR) + "/examples/seed_learning_rates.toml");
    ASSERT_EQ(rates.variants.size(), 3u);
    EXPECT_FALSE(rates.variants[0].experiment.schedule.has_value());
    EXPECT_DOUBLE_EQ(rates.variants[0].experiment.optimizer["learning_rate"].get<double>(), 0.01);
}

}  // namespace
}  // namespace nnlab
