// Experiment files: the seed recipe parses to what the notebook ran, and every kind of bad input
// is an error naming the file, the line and the key.
#include "nnlab/experiment/experiment.hpp"
#include "nnlab/experiment/experiment_setup.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <variant>

#include "nnlab/core/error.hpp"
#include "nnlab/experiment/run.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/optim/schedules.hpp"
#include "nnlab/train/callbacks/csv_logger.hpp"
#include "tests/support/synthetic_data.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
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
    EXPECT_EQ(e.loss["type"], "categorical_crossentropy");
    EXPECT_EQ(e.batch_size, 64);
    EXPECT_EQ(e.epochs, 50);
    EXPECT_EQ(e.optimizer["type"], "adam");
    EXPECT_DOUBLE_EQ(e.optimizer["learning_rate"].get<double>(), 0.001);
    ASSERT_TRUE(e.schedule.has_value());
    EXPECT_EQ((*e.schedule)["type"], "step_decay");
    EXPECT_EQ((*e.schedule)["epochs_drop"], 10);
    EXPECT_DOUBLE_EQ((*e.schedule)["drop"].get<double>(), 0.5);
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
    EXPECT_THAT(error_for(augment_header + "horizontal_flip = \"yes\"\n"), HasSubstr("true, false or \"alternating\""));
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

TEST(Experiment, CsvAndNumpyKeys) {
    const char* const tabular = R"(
[model]
input_shape = [4]
layers = [{ type = "Dense", units = 1, activation = "sigmoid" }]
)";
    TempDir dir;
    const Experiment e =
        load_experiment(dir.write("csv.toml",
                                  "[data]\ndataset = \"t.csv\"\nlabel_column = \"y\"\nheader = true\nskip_rows = 2\n"
                                  "test_split = 0.25\nsplit_seed = 9\nclass_names = [\"no\", \"yes\"]\n" +
                                      std::string(tabular)));
    EXPECT_EQ(e.csv.label_column, "y");
    EXPECT_EQ(e.csv.csv.header, true);
    EXPECT_EQ(e.csv.csv.skip_rows, 2);
    EXPECT_EQ(e.csv.test_split, 0.25);
    EXPECT_EQ(e.csv.split_seed, 9u);
    EXPECT_EQ(e.class_names, (std::vector<std::string>{"no", "yes"}));
    // Written back resolved, every key read again.
    const Experiment again = load_experiment(dir.write("resolved.toml", e.to_toml()));
    EXPECT_EQ(again.description(), e.description());
    EXPECT_THAT(error_for("[data]\ndataset = \"t.csv\"\n" + std::string(tabular)),
                HasSubstr("a .csv dataset needs a test split"));
    EXPECT_THAT(error_for("[data]\ndataset = \"t.csv\"\ntest_split = 1.5\n" + std::string(tabular)),
                HasSubstr("data.test_split"));
    EXPECT_THAT(
        error_for("[data]\ndataset = \"t.csv\"\ntest_split = 0.2\ntest_file = \"u.csv\"\n" + std::string(tabular)),
        HasSubstr("give test_file or test_split, not both"));
    EXPECT_THAT(error_for("[data]\ndataset = \"t.csv\"\ntest_split = 0.2\nlabel_column = 1.5\n" + std::string(tabular)),
                HasSubstr("a column name (a string) or a column index"));
    EXPECT_THAT(error_for("[data]\nlabel_column = 0\n" + std::string(valid_model)),
                HasSubstr("data.label_column: only for a .csv dataset; cifar10 is not one"));
    EXPECT_THAT(error_for("[data]\nclass_names = [\"a\"]\n" + std::string(valid_model)),
                HasSubstr("only for NumPy arrays and .csv files; cifar10 names its own classes"));
    EXPECT_EQ(load_experiment(dir.write("npz.toml", "[data]\ndataset = \"d.npz\"\nclass_names = [\"a\", \"b\"]\n" +
                                                        std::string(tabular)))
                  .class_names.size(),
              2u);
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
    EXPECT_THAT(message, HasSubstr("found \"64\""));  // a string, as TOML writes it
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

// ---- training control: [[callbacks]], warm-up and one-cycle schedules, label smoothing, clipping ----

TEST(Experiment, CallbacksParseWithKerasDefaults) {
    TempDir dir;
    const Experiment e = load_experiment(dir.write("cb.toml", std::string(valid_model) + R"(
[[callbacks]]
type = "early_stopping"
monitor = "val_accuracy"
patience = 5
restore_best_weights = true

[[callbacks]]
type = "model_checkpoint"
filepath = "checkpoints/{epoch:02d}-{val_loss:.4f}.safetensors"
save_best_only = true

[[callbacks]]
type = "reduce_lr_on_plateau"
factor = 0.5
cooldown = 2

[[callbacks]]
type = "terminate_on_nan"

[[callbacks]]
type = "csv_logger"
filename = "log.csv"
separator = ";"
)"));
    ASSERT_EQ(e.callbacks.size(), 5u);
    const config::Description& early = e.callbacks[0];
    EXPECT_EQ(early["type"], "early_stopping");
    EXPECT_EQ(early["monitor"], "val_accuracy");
    EXPECT_EQ(early["patience"], 5);
    EXPECT_EQ(early["restore_best_weights"], true);
    EXPECT_EQ(early["min_delta"], 0.0);
    EXPECT_EQ(early["mode"], "auto");
    EXPECT_FALSE(early.contains("baseline"));
    const config::Description& checkpoint = e.callbacks[1];
    EXPECT_EQ(checkpoint["filepath"], "checkpoints/{epoch:02d}-{val_loss:.4f}.safetensors");
    EXPECT_EQ(checkpoint["save_best_only"], true);
    EXPECT_EQ(checkpoint["monitor"], "val_loss");
    EXPECT_EQ(checkpoint["save_freq"], "epoch");
    const config::Description& plateau = e.callbacks[2];
    EXPECT_EQ(plateau["factor"], 0.5);
    EXPECT_EQ(plateau["patience"], 10);
    EXPECT_EQ(plateau["cooldown"], 2);
    EXPECT_EQ(plateau["min_delta"], 1e-4);
    EXPECT_EQ(e.callbacks[3]["type"], "terminate_on_nan");
    const config::Description& csv = e.callbacks[4];
    EXPECT_EQ(csv["filename"], "log.csv");
    EXPECT_EQ(csv["separator"], ";");
    EXPECT_EQ(csv["append"], false);

    // The resolved config keeps every callback, defaults filled in, and parses back to the same.
    const std::string resolved = e.to_toml();
    EXPECT_THAT(resolved, HasSubstr("[[callbacks]]"));
    EXPECT_THAT(resolved, HasSubstr("start_from_epoch = 0"));
    EXPECT_THAT(resolved, HasSubstr("save_freq = \"epoch\""));
    const Experiment again = load_experiment(dir.write("again.toml", resolved));
    const auto body = [](const std::string& text) { return text.substr(text.find('\n')); };
    EXPECT_EQ(body(again.to_toml()), body(resolved));
    EXPECT_EQ(again.callbacks[2]["cooldown"], 2);
}

TEST(Experiment, CallbackSaveFreqTakesEpochOrBatches) {
    TempDir dir;
    const Experiment e = load_experiment(dir.write("cb.toml", std::string(valid_model) + R"(
[[callbacks]]
type = "model_checkpoint"
filepath = "b{batch}.safetensors"
save_freq = 100
)"));
    EXPECT_EQ(e.callbacks[0]["save_freq"], 100);
    const Experiment again = load_experiment(dir.write("again.toml", e.to_toml()));
    EXPECT_EQ(again.callbacks[0]["save_freq"], 100);
}

TEST(Experiment, BadCallbacksNameTheFileLineAndKey) {
    const std::string head = std::string(valid_model) + "[[callbacks]]\n";  // valid_model is 7 lines: this is 8
    std::string message = error_for(head + "type = \"early_stop\"\n");
    EXPECT_THAT(message, HasSubstr("bad.toml:9: callbacks[0].type: unknown callback 'early_stop'"));
    EXPECT_THAT(message, HasSubstr("early_stopping, lookahead_ema, model_checkpoint"));
    EXPECT_THAT(error_for(head + "type = \"early_stopping\"\npatience = -1\n"),
                HasSubstr("bad.toml:10: callbacks[0].patience: expected an integer >= 0, found -1"));
    EXPECT_THAT(error_for(head + "type = \"early_stopping\"\npatiance = 3\n"),
                HasSubstr("callbacks[0].patiance: unknown key"));
    EXPECT_THAT(error_for(head + "type = \"early_stopping\"\nmode = \"best\"\n"),
                HasSubstr("callbacks[0].mode: expected \"auto\", \"min\" or \"max\""));
    EXPECT_THAT(error_for(head + "type = \"reduce_lr_on_plateau\"\nfactor = 1.5\n"),
                HasSubstr("bad.toml:10: callbacks[0].factor: expected a number in (0, 1)"));
    EXPECT_THAT(error_for(head + "type = \"model_checkpoint\"\n"), HasSubstr("callbacks[0].filepath: missing"));
    EXPECT_THAT(error_for(head + "type = \"model_checkpoint\"\nfilepath = \"m-{val_acc}.st\"\n"),
                HasSubstr("bad.toml:10: callbacks[0].filepath: unknown field {val_acc}"));
    EXPECT_THAT(error_for(head + "type = \"model_checkpoint\"\nfilepath = \"m-{batch}.st\"\n"),
                HasSubstr("unknown field {batch}"));  // only with save_freq in batches
    EXPECT_THAT(error_for(head + "type = \"model_checkpoint\"\nfilepath = \"m.st\"\nsave_freq = \"step\"\n"),
                HasSubstr("callbacks[0].save_freq: expected \"epoch\" or a positive number of batches"));
    EXPECT_THAT(error_for(head + "type = \"csv_logger\"\nfilename = \"a.csv\"\nseparator = \"::\"\n"),
                HasSubstr("bad.toml:11: callbacks[0].separator: expected one character"));
    EXPECT_THAT(error_for(head + "type = \"terminate_on_nan\"\npatience = 1\n"),
                HasSubstr("callbacks[0].patience: unknown key"));
}

TEST(Experiment, CallbackMonitorsMustBeLogged) {
    const std::string message = error_for("[data]\nvalidation = \"none\"\n" + std::string(valid_model) +
                                          "[[callbacks]]\ntype = \"early_stopping\"\n");
    EXPECT_THAT(message, HasSubstr("callbacks[0].monitor: 'val_loss' is not in the logs (val_ keys need validation "
                                   "data: [data] validation); they hold loss, accuracy, learning_rate"));
    EXPECT_THAT(error_for(std::string(valid_model) + "[[callbacks]]\ntype = \"reduce_lr_on_plateau\"\n"
                                                     "monitor = \"val_acc\"\n"),
                HasSubstr("'val_acc' is not in the logs; they hold loss, accuracy, val_loss, val_accuracy"));
}

TEST(Experiment, ReduceLrOnPlateauRefusesASchedule) {
    EXPECT_THAT(error_for(std::string(valid_model) +
                          "[schedule]\ntype = \"step_decay\"\n[[callbacks]]\ntype = \"reduce_lr_on_plateau\"\n"),
                HasSubstr("callbacks[0].type: reduce_lr_on_plateau and [schedule] (step_decay) would both set the "
                          "learning rate"));
}

TEST(Experiment, CosineDecayWarmupAndOneCycle) {
    TempDir dir;
    const Experiment cosine = load_experiment(dir.write("cos.toml", std::string(valid_model) + R"(
[schedule]
type = "cosine_decay"
initial_learning_rate = 0.0
decay_steps = 100
warmup_target = 0.1
warmup_steps = 10
)"));
    ASSERT_TRUE(cosine.schedule.has_value());
    EXPECT_EQ((*cosine.schedule)["warmup_target"], 0.1);
    EXPECT_EQ((*cosine.schedule)["warmup_steps"], 10);
    // The per-step schedule is set on the optimizer when training begins.
    const auto model = build_model(cosine, Shape{32, 32, 3});
    auto cosine_callbacks = make_experiment_callbacks(cosine, {});
    ASSERT_EQ(cosine_callbacks.size(), 1u);
    cosine_callbacks[0]->set_model(model.get());
    cosine_callbacks[0]->on_train_begin({1, 10, 10});
    EXPECT_DOUBLE_EQ(model->optimizer().learning_rate(), 0.0);  // step 0 of the warm-up
    const Experiment again = load_experiment(dir.write("again.toml", cosine.to_toml()));
    EXPECT_EQ((*again.schedule)["warmup_target"], 0.1);
    EXPECT_EQ((*again.schedule)["warmup_steps"], 10);

    const Experiment cycle = load_experiment(dir.write("cycle.toml", std::string(valid_model) + R"(
[optimizer]
type = "sgd"
learning_rate = 0.05
[schedule]
type = "one_cycle"
pct_start = 0.25
div_factor = 10
)"));
    const config::Description& schedule = *cycle.schedule;
    EXPECT_EQ(schedule["type"], "one_cycle");
    EXPECT_EQ(schedule["max_lr"], 0.05);  // defaults to the optimizer's rate
    EXPECT_EQ(schedule["pct_start"], 0.25);
    EXPECT_EQ(schedule["div_factor"], 10.0);
    EXPECT_EQ(schedule["final_div_factor"], 1e4);
    const Experiment cycle_again = load_experiment(dir.write("cycle_again.toml", cycle.to_toml()));
    EXPECT_EQ((*cycle_again.schedule)["max_lr"], 0.05);
    EXPECT_EQ((*cycle_again.schedule)["pct_start"], 0.25);
    // The schedule is set when fit() begins, from epochs × steps per epoch.
    auto cycled = build_model(cycle, Shape{32, 32, 3});
    auto callbacks = make_experiment_callbacks(cycle, {});
    ASSERT_EQ(callbacks.size(), 1u);
    callbacks[0]->set_model(cycled.get());
    callbacks[0]->on_train_begin({4, 25, 100});
    const OneCycle expected{.max_lr = 0.05, .total_steps = 100, .pct_start = 0.25, .div_factor = 10};
    EXPECT_DOUBLE_EQ(cycled->optimizer().learning_rate(), expected(0));
    EXPECT_DOUBLE_EQ(cycled->optimizer().learning_rate(), 0.005);
    // Too few steps for both phases: the error says how many there were.
    auto short_run = build_model(cycle, Shape{32, 32, 3});
    callbacks[0]->set_model(short_run.get());
    try {
        callbacks[0]->on_train_begin({1, 2, 2});
        FAIL() << "expected nnlab::Error";
    } catch (const Error& error) {
        EXPECT_THAT(error.what(), HasSubstr("schedule one_cycle: total_steps: 2 steps"));
        EXPECT_THAT(error.what(), HasSubstr("(1 epochs of 2 steps)"));
    }
}

TEST(Experiment, BadScheduleKeys) {
    const std::string cosine = std::string(valid_model) + "[schedule]\ntype = \"cosine_decay\"\ndecay_steps = 10\n";
    EXPECT_THAT(error_for(cosine + "warmup_steps = 5\n"), HasSubstr("schedule.warmup_steps: needs warmup_target"));
    EXPECT_THAT(error_for(cosine + "warmup_target = 0.1\nwarmup_steps = -5\n"),
                HasSubstr("schedule.warmup_steps: expected an integer >= 0"));
    EXPECT_THAT(error_for(cosine + "initial_learning_rate = 0.0\n"),
                HasSubstr("schedule.initial_learning_rate: expected a positive number"));
    const std::string cycle = std::string(valid_model) + "[schedule]\ntype = \"one_cycle\"\n";
    EXPECT_THAT(error_for(cycle + "pct_start = 1.0\n"), HasSubstr("schedule.pct_start: expected a fraction in (0, 1)"));
    EXPECT_THAT(error_for(cycle + "total_steps = 100\n"), HasSubstr("schedule.total_steps: unknown key"));
    EXPECT_THAT(error_for(cycle + "initial_learning_rate = 0.1\n"),
                HasSubstr("schedule.initial_learning_rate: unknown key"));
    EXPECT_THAT(error_for(cycle + "final_div_factor = 0\n"), HasSubstr("schedule.final_div_factor"));
}

TEST(Experiment, LossSettingsAndClipping) {
    TempDir dir;
    const Experiment e = load_experiment(dir.write("ls.toml", std::string(valid_model) + R"(
[train]
loss = { type = "categorical_crossentropy", label_smoothing = 0.1 }
[optimizer]
type = "adam"
global_clipnorm = 1.0
)"));
    EXPECT_EQ(e.loss["label_smoothing"], 0.1);
    const auto model = build_model(e, Shape{32, 32, 3});
    const auto* loss = dynamic_cast<const CategoricalCrossentropy*>(&model->loss());
    ASSERT_NE(loss, nullptr);
    EXPECT_EQ(loss->label_smoothing(), 0.1);
    EXPECT_EQ(model->optimizer().clipping().global_clipnorm, 1.0);
    const Experiment again = load_experiment(dir.write("again.toml", e.to_toml()));
    EXPECT_EQ(again.loss["label_smoothing"], 0.1);
    EXPECT_EQ(again.optimizer["global_clipnorm"], 1.0);

    EXPECT_THAT(error_for(std::string(valid_model) +
                          "[train]\nloss = { type = \"categorical_crossentropy\", label_smoothing = 1.5 }\n"),
                HasSubstr("bad.toml:9: train.loss.label_smoothing: expected a number in [0, 1], found 1.5"));
    EXPECT_THAT(error_for(std::string(valid_model) + "[train]\nloss = { type = \"mse\", label_smoothing = 0.1 }\n"),
                HasSubstr("train.loss.label_smoothing: unknown key for loss mean_squared_error"));
    // The key moved into the loss; the message says where.
    EXPECT_THAT(error_for(std::string(valid_model) + "[train]\nlabel_smoothing = 0.1\n"),
                HasSubstr("bad.toml:9: train.label_smoothing: is a setting of the loss: loss = { type = "
                          "\"categorical_crossentropy\", label_smoothing = 0.1 }"));
    EXPECT_THAT(error_for(std::string(valid_model) + "[optimizer]\ntype = \"sgd\"\nclipnorm = 1.0\nclipvalue = 0.5\n"),
                HasSubstr("bad.toml:11: optimizer.clipvalue: only one of clipnorm, clipvalue and global_clipnorm"));
    EXPECT_THAT(error_for(std::string(valid_model) + "[optimizer]\ntype = \"sgd\"\nclipnorm = -1\n"),
                HasSubstr("bad.toml:10: optimizer.clipnorm: expected a number > 0, found -1"));
}

TEST(Experiment, PrecisionTakesKerasNames) {
    TempDir dir;
    EXPECT_EQ(load_experiment(dir.write("plain.toml", valid_model)).precision, Precision::float32);
    for (const char* name : {"bfloat16", "mixed_bfloat16"}) {
        const Experiment e = load_experiment(
            dir.write("mixed.toml", std::string(valid_model) + "[train]\nprecision = \"" + name + "\"\n"));
        EXPECT_EQ(e.precision, Precision::bfloat16) << name;
        EXPECT_EQ(load_experiment(dir.write("again.toml", e.to_toml())).precision, Precision::bfloat16);
        const auto model = build_model(e, Shape{32, 32, 3});
        EXPECT_EQ(model->precision(), bfloat16_supported() ? Precision::bfloat16 : Precision::float32);
    }
    EXPECT_THAT(error_for(std::string(valid_model) + "[train]\nprecision = \"float16\"\n"),
                HasSubstr("bad.toml:9: train.precision: expected \"float32\", \"bfloat16\" or \"mixed_bfloat16\", "
                          "found \"float16\""));
}

TEST(Experiment, RunWritesTheCallbacksFilesIntoTheRunFolder) {
    // A real run on synthetic images: the CSV log and the checkpoints land inside the run folder.
    TempDir dir;
    const Experiment e = load_experiment(dir.write("run.toml", R"(
name = "control"
seed = 3
[model]
input_shape = [4, 4, 3]
layers = [
  { type = "Flatten" },
  { type = "Dense", units = 3, activation = "softmax" },
]
[train]
epochs = 3
batch_size = 16
verbose = 0
loss = { type = "categorical_crossentropy", label_smoothing = 0.1 }
[optimizer]
type = "sgd"
learning_rate = 0.1
clipnorm = 1.0
[[callbacks]]
type = "csv_logger"
filename = "log.csv"
[[callbacks]]
type = "model_checkpoint"
filepath = "ckpt/e{epoch:02d}.safetensors"
[[callbacks]]
type = "early_stopping"
patience = 10
restore_best_weights = true
)"));
    const DatasetSplits data{nnlab::testing::synthetic_images(96, 3, Shape{4, 4, 3}, 1),
                             nnlab::testing::synthetic_images(48, 3, Shape{4, 4, 3}, 2)};
    const RunOutcome outcome = ExperimentRun(e, data, dir / "run").run();
    EXPECT_EQ(outcome.history.size(), 3);
    std::ifstream csv(dir / "run" / "log.csv");
    std::string header, line;
    std::getline(csv, header);
    EXPECT_EQ(header, "epoch,accuracy,learning_rate,loss,val_accuracy,val_loss");
    int rows = 0;
    while (std::getline(csv, line)) ++rows;
    EXPECT_EQ(rows, 3);
    for (const char* name : {"e01", "e02", "e03"})
        EXPECT_TRUE(std::filesystem::exists(dir / "run" / "ckpt" / (std::string(name) + ".safetensors"))) << name;
    std::ifstream config_file(dir / "run" / "config.toml");
    std::stringstream config;
    config << config_file.rdbuf();
    EXPECT_THAT(config.str(), HasSubstr("type = \"csv_logger\""));
    EXPECT_THAT(config.str(), HasSubstr("clipnorm = 1.0"));
    EXPECT_THAT(config.str(), HasSubstr("label_smoothing = 0.1"));
}

}  // namespace
}  // namespace nnlab
