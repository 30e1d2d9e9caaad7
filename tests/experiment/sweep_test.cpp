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
    EXPECT_THAT(sweep.keys, ElementsAre("optimizer.learning_rate", "seed", "train.loss"));
    ASSERT_EQ(sweep.variants.size(), 12u);
    // toml++ keeps keys sorted; the last key varies fastest.
    EXPECT_EQ(sweep.variants[0].label, "learning_rate=0.01 seed=1 loss=categorical_crossentropy");
    EXPECT_EQ(sweep.variants[1].label, "learning_rate=0.01 seed=1 loss=hinge");
    EXPECT_EQ(sweep.variants[11].label, "learning_rate=0.0001 seed=2 loss=hinge");
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
    const Sweep rates = load_sweep(std::string(NNLAB_SOURCE_DIR) + "/examples/seed_learning_rates.toml");
    ASSERT_EQ(rates.variants.size(), 3u);
    EXPECT_FALSE(rates.variants[0].experiment.schedule.has_value());
    EXPECT_DOUBLE_EQ(rates.variants[0].experiment.optimizer["learning_rate"].get<double>(), 0.01);
}

}  // namespace
}  // namespace nnlab
