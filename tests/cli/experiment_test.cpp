// Experiment files: the seed recipe parses to what the notebook ran, and every kind of bad input
// is an error naming the file, the line and the key.
#include "cli/experiment.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab::cli {
namespace {

using nnlab::testing::TempDir;
using ::testing::HasSubstr;

const char* const valid_model = R"(
[model]
input_shape = [32, 32, 3]
layers = [
  { type = "Flatten" },
  { type = "Dense", units = 10, activation = "softmax" },
]
)";

std::string error_for(const std::string& toml) {
    TempDir dir;
    const auto file = dir.write("bad.toml", toml);
    try {
        load_experiment(file);
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::bad_input);
        return error.what();
    }
    return "no error";
}

TEST(Experiment, SeedRecipeParses) {
    const Experiment e = load_experiment(std::string(NNLAB_SOURCE_DIR) + "/examples/seed_mlp.toml");
    EXPECT_EQ(e.name, "seed_mlp");
    EXPECT_EQ(e.dataset, "cifar10");
    EXPECT_EQ(e.validation, "test");
    EXPECT_EQ(e.layers.size(), 6u);
    EXPECT_EQ(e.loss, "categorical_crossentropy");
    EXPECT_EQ(e.batch_size, 64);
    EXPECT_EQ(e.epochs, 50);
    EXPECT_EQ(e.optimizer["type"], "adam");
    EXPECT_DOUBLE_EQ(e.optimizer["learning_rate"].get<double>(), 0.001);
    ASSERT_TRUE(e.schedule.has_value());
    EXPECT_EQ(e.schedule->type, "step_decay");
    EXPECT_EQ(e.schedule->epochs_drop, 10);
    EXPECT_DOUBLE_EQ(e.schedule->drop, 0.5);
    EXPECT_EQ(build_model(e, Shape{32, 32, 3})->count_params(), 1707274);
    // ImageDataGenerator(rotation_range=15, width_shift_range=0.1, height_shift_range=0.1, horizontal_flip=True)
    ASSERT_TRUE(e.augment.has_value());
    EXPECT_EQ(e.augment->rotation_range, 15.0);
    EXPECT_EQ(e.augment->width_shift_range, 0.1);
    EXPECT_EQ(e.augment->height_shift_range, 0.1);
    EXPECT_TRUE(e.augment->horizontal_flip);
    EXPECT_FALSE(e.augment->vertical_flip);
    EXPECT_EQ(e.augment->fill_mode, FillMode::nearest);
    EXPECT_EQ(e.augment->zoom_low, 1.0);
    EXPECT_FALSE(e.augment->needs_fit());
}

TEST(Experiment, AugmentTableFollowsKerasArguments) {
    TempDir dir;
    const Experiment e = load_experiment(dir.write("aug.toml", std::string(valid_model) + R"(
[augment]
zoom_range = 0.2
brightness_range = [0.5, 1.5]
fill_mode = "reflect"
featurewise_center = true
random_crop_padding = 4
random_crop_pad_mode = "zero"
cutout_size = 8
)"));
    ASSERT_TRUE(e.augment.has_value());
    EXPECT_DOUBLE_EQ(e.augment->zoom_low, 0.8);  // Keras: a float z means [1 − z, 1 + z]
    EXPECT_DOUBLE_EQ(e.augment->zoom_high, 1.2);
    EXPECT_EQ(e.augment->brightness_range, (std::pair<double, double>{0.5, 1.5}));
    EXPECT_EQ(e.augment->fill_mode, FillMode::reflect);
    EXPECT_TRUE(e.augment->needs_fit());
    EXPECT_EQ(e.augment->random_crop_padding, 4);
    EXPECT_EQ(e.augment->random_crop_pad_mode, PadMode::zero);
    EXPECT_EQ(e.augment->cutout_size, 8);
    const Experiment again = load_experiment(dir.write("again.toml", e.to_toml()));
    EXPECT_EQ(again.augment->zoom_high, 1.2);
    EXPECT_EQ(again.augment->cutout_size, 8);
}

TEST(Experiment, BadAugmentKeys) {
    const std::string augment_header = std::string(valid_model) + "[augment]\n";
    EXPECT_THAT(error_for(augment_header + "rotation = 15\n"), HasSubstr("augment.rotation: unknown key"));
    EXPECT_THAT(error_for(augment_header + "fill_mode = \"mirror\"\n"), HasSubstr("augment.fill_mode"));
    EXPECT_THAT(error_for(augment_header + "rotation_range = -5\n"), HasSubstr("augment.rotation_range"));
    EXPECT_THAT(error_for(augment_header + "zoom_range = [1.2, 0.8]\n"), HasSubstr("augment.zoom_range"));
    EXPECT_THAT(error_for(augment_header + "horizontal_flip = \"yes\"\n"), HasSubstr("true or false"));
}

TEST(Experiment, ValidationSplit) {
    TempDir dir;
    const Experiment e = load_experiment(
        dir.write("split.toml", "[data]\nvalidation = \"split\"\nvalidation_split = 0.1\n" + std::string(valid_model)));
    EXPECT_EQ(e.validation, "split");
    EXPECT_DOUBLE_EQ(e.validation_split, 0.1);
    EXPECT_THAT(error_for("[data]\nvalidation_split = 0.1\n" + std::string(valid_model)),
                HasSubstr("only used with validation = \"split\""));
    EXPECT_THAT(error_for("[data]\nvalidation = \"split\"\nvalidation_split = 1.5\n" + std::string(valid_model)),
                HasSubstr("data.validation_split"));
}

TEST(Experiment, ResolvedConfigParsesToTheSameExperiment) {
    const Experiment e = load_experiment(std::string(NNLAB_SOURCE_DIR) + "/examples/seed_mlp.toml");
    TempDir dir;
    const Experiment again = load_experiment(dir.write("resolved.toml", e.to_toml()));
    const auto body = [](const std::string& text) { return text.substr(text.find('\n')); };  // past the comment
    EXPECT_EQ(body(again.to_toml()), body(e.to_toml()));
    EXPECT_EQ(again.layers, e.layers);
    EXPECT_EQ(again.optimizer, e.optimizer);
}

TEST(Experiment, DefaultsFollowKeras) {
    TempDir dir;
    const Experiment e = load_experiment(dir.write("minimal.toml", valid_model));
    EXPECT_EQ(e.batch_size, 32);
    EXPECT_EQ(e.epochs, 1);
    EXPECT_EQ(e.optimizer["type"], "adam");
    EXPECT_EQ(e.name, "minimal");
}

TEST(Experiment, UnknownLayerTypeNamesTheLineAndKnownTypes) {
    const std::string message =
        error_for("[model]\nlayers = [\n  { type = \"Flatten\" },\n  { type = \"Dens\", units = 3 },\n]\n");
    EXPECT_THAT(message, HasSubstr("bad.toml:4"));
    EXPECT_THAT(message, HasSubstr("model.layers[1].type"));
    EXPECT_THAT(message, HasSubstr("Dens"));
    EXPECT_THAT(message, HasSubstr("Dense"));
}

TEST(Experiment, UnknownActivation) {
    const std::string message = error_for("[model]\nlayers = [{ type = \"Activation\", activation = \"rellu\" }]\n");
    EXPECT_THAT(message, HasSubstr("bad.toml:2"));
    EXPECT_THAT(message, HasSubstr("model.layers[0].activation"));
    EXPECT_THAT(message, HasSubstr("rellu"));
}

TEST(Experiment, WrongValueTypeShowsWhatWasFound) {
    const std::string message = error_for(std::string(valid_model) + "[train]\nbatch_size = \"64\"\n");
    EXPECT_THAT(message, HasSubstr("bad.toml:9"));
    EXPECT_THAT(message, HasSubstr("train.batch_size"));
    EXPECT_THAT(message, HasSubstr("positive integer"));
    EXPECT_THAT(message, HasSubstr("found '64'"));  // a TOML string, as TOML writes it
}

TEST(Experiment, TypoInAKeyIsUnknown) {
    const std::string message = error_for(std::string(valid_model) + "[train]\nepoch = 5\n");
    EXPECT_THAT(message, HasSubstr("bad.toml:9"));
    EXPECT_THAT(message, HasSubstr("train.epoch"));
    EXPECT_THAT(message, HasSubstr("unknown key"));
    EXPECT_THAT(message, HasSubstr("epochs"));
}

TEST(Experiment, TypoInALayerKey) {
    const std::string message = error_for("[model]\nlayers = [\n{ type = \"Dense\", unit = 3 },\n]\n");
    EXPECT_THAT(message, HasSubstr("model.layers[0]"));
    EXPECT_THAT(message, HasSubstr("unit"));
}

TEST(Experiment, NonPositiveSizes) {
    EXPECT_THAT(error_for(std::string(valid_model) + "[train]\nbatch_size = 0\n"), HasSubstr("train.batch_size"));
    EXPECT_THAT(error_for(std::string(valid_model) + "[train]\nepochs = -3\n"), HasSubstr("-3"));
    EXPECT_THAT(error_for("[model]\nlayers = [{ type = \"Dense\", units = -5 }]\n"),
                HasSubstr("model.layers[0].units"));
}

TEST(Experiment, MissingRequiredKeys) {
    EXPECT_THAT(error_for("[train]\nepochs = 1\n"), HasSubstr("model: missing"));
    EXPECT_THAT(error_for("[model]\ninput_shape = [2]\n"), HasSubstr("model.layers: missing"));
    EXPECT_THAT(error_for("[model]\nlayers = [{ units = 3 }]\n"), HasSubstr("model.layers[0].type"));
    EXPECT_THAT(error_for(std::string(valid_model) + "[schedule]\ndrop = 0.5\n"), HasSubstr("schedule.type: missing"));
}

TEST(Experiment, UnknownLossAndOptimizer) {
    const std::string loss = error_for(std::string(valid_model) + "[train]\nloss = \"crossentropy\"\n");
    EXPECT_THAT(loss, HasSubstr("train.loss"));
    EXPECT_THAT(loss, HasSubstr("categorical_crossentropy"));
    const std::string optimizer = error_for(std::string(valid_model) + "[optimizer]\ntype = \"adamm\"\n");
    EXPECT_THAT(optimizer, HasSubstr("bad.toml:9"));
    EXPECT_THAT(optimizer, HasSubstr("optimizer.type"));
    const std::string rate = error_for(std::string(valid_model) + "[optimizer]\ntype = \"adam\"\nlearning_rate = -1\n");
    EXPECT_THAT(rate, HasSubstr("optimizer.learning_rate"));
}

TEST(Experiment, LayersThatDoNotFitAreReportedBeforeTraining) {
    const std::string message =
        error_for("[model]\ninput_shape = [32, 32, 3]\nlayers = [{ type = \"Dense\", units = 10 }]\n");
    EXPECT_THAT(message, HasSubstr("(None, 32, 32, 3)"));
    EXPECT_THAT(message, HasSubstr("Flatten"));
}

TEST(Experiment, InvalidTomlNamesLineAndColumn) {
    const std::string message = error_for("[model\nlayers = 3\n");
    EXPECT_THAT(message, HasSubstr("bad.toml:1:"));
    EXPECT_THAT(message, HasSubstr("not valid TOML"));
}

TEST(Experiment, MissingFile) {
    EXPECT_THROW(load_experiment("/nonexistent/experiment.toml"), Error);
}

}  // namespace
}  // namespace nnlab::cli
