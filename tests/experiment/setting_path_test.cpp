// Setting paths (train --set, [sweep] keys): parsing, layers by index and by the name Keras gives them, values read
// as TOML reads them, and what a path that leads nowhere is told.
#include "nnlab/experiment/setting_path.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/experiment/experiment.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using config::Description;
using nnlab::testing::error_message;
using ::testing::HasSubstr;

Description model() {
    return Description::parse(R"({"model": {"layers": [
        {"type": "Flatten"}, {"type": "Dense", "units": 512}, {"type": "Dropout", "rate": 0.0},
        {"type": "Dense", "units": 10, "name": "head"}, {"type": "Dense", "units": 3}]}})");
}

TEST(SettingPath, ParsesKeysAndIndices) {
    const std::vector<SettingStep> steps = parse_setting_path("model.layers[1].units");
    ASSERT_EQ(steps.size(), 4u);
    EXPECT_EQ(std::get<std::string>(steps[1]), "layers");
    EXPECT_EQ(std::get<size_t>(steps[2]), 1u);
    EXPECT_EQ(parse_setting_path("a[0][2]").size(), 3u);
    for (const char* bad : {"", "a..b", "a[", "a[x]", "a[1]b", ".a", "a."})
        EXPECT_THAT(error_message([&] { parse_setting_path(bad); }), HasSubstr("not a setting path")) << bad;
}

TEST(SettingPath, SetsALayerByIndexOrByName) {
    Description tree = model();
    EXPECT_EQ(set_setting(tree, "model.layers[1].units", 1024), "model.layers[1].units");
    EXPECT_EQ(tree["model"]["layers"][1]["units"], 1024);
    // Keras's automatic names: flatten, dense, dropout, then the named "head", then dense_1.
    EXPECT_EQ(set_setting(tree, "model.layers.dropout.rate", 0.5), "model.layers[2].rate");
    EXPECT_EQ(tree["model"]["layers"][2]["rate"], 0.5);
    EXPECT_EQ(set_setting(tree, "model.layers.head.units", 7), "model.layers[3].units");
    EXPECT_EQ(set_setting(tree, "model.layers.dense_1.units", 4), "model.layers[4].units");
    EXPECT_EQ(tree["model"]["layers"][4]["units"], 4);
    set_setting(tree, "train.epochs", 3);  // tables the file lacks are made
    EXPECT_EQ(tree["train"]["epochs"], 3);
}

TEST(SettingPath, NamesWhereAPathLeadsNowhere) {
    Description tree = model();
    EXPECT_THAT(error_message([&] { set_setting(tree, "model.layers[5].units", 1); }),
                HasSubstr("model.layers[5].units: \"model.layers\" holds 5 entries (indices 0 to 4), found [5]"));
    EXPECT_THAT(error_message([&] { set_setting(tree, "model.layers.dense_2.units", 1); }),
                HasSubstr("no layer named \"dense_2\" in \"model.layers\"; its layers are flatten, dense, dropout, "
                          "head, dense_1"));
    EXPECT_THAT(error_message([&] { set_setting(tree, "model[0]", 1); }),
                HasSubstr("\"model\" is not an array, so it has no [0]"));
    EXPECT_THAT(error_message([&] { set_setting(tree, "model.layers[1].units.x", 1); }),
                HasSubstr("\"model.layers[1].units\" is 512, not a table with a \"x\""));
}

TEST(SettingPath, ValuesReadAsTomlAndBareWordsAsStrings) {
    EXPECT_EQ(setting_value("1024"), 1024);
    EXPECT_EQ(setting_value("3e-4"), 3e-4);
    EXPECT_EQ(setting_value("true"), true);
    EXPECT_EQ(setting_value("\"split\""), "split");
    EXPECT_EQ(setting_value("hinge"), "hinge");
    EXPECT_EQ(setting_value("[1, 2]"), Description::parse("[1, 2]"));
    EXPECT_EQ(setting_value("{ type = \"adam\" }"), Description::parse(R"({"type": "adam"})"));
    EXPECT_EQ(setting_value("1\nname = \"x\""), "1\nname = \"x\"");  // one value, never more keys
}

TEST(SettingPath, OverridesAreCheckedAsTheFileIs) {
    nnlab::testing::TempDir dir;
    const auto file = dir.write("e.toml", R"(name = "e"
[model]
input_shape = [4, 4, 3]
layers = [{ type = "Flatten" }, { type = "Dense", units = 8 }, { type = "Dense", units = 10, activation = "softmax" }]
)");
    const Experiment e = load_experiment(
        file, {{"model.layers.dense.units", 32}, {"train.loss", "hinge"}, {"data.validation", "split"}});
    EXPECT_EQ(e.layers[1]["units"], 32);
    EXPECT_EQ(e.loss["type"], "hinge");
    EXPECT_EQ(e.validation, "split");
    // The file leaves the optimizer to its default (Adam); setting its rate keeps it Adam.
    const Experiment faster = load_experiment(file, {{"optimizer.learning_rate", 0.01}});
    EXPECT_EQ(faster.optimizer["type"], "adam");
    EXPECT_DOUBLE_EQ(faster.optimizer["learning_rate"].get<double>(), 0.01);
    EXPECT_THAT(error_message([&] {
                    load_experiment(file, {{"model.layers[1].units", -3}});
                }),
                HasSubstr("--set model.layers[1].units=-3: "));
    EXPECT_THAT(error_message([&] {
                    load_experiment(file, {{"model.layers.dense.units", "many"}});
                }),
                HasSubstr("--set model.layers.dense.units=\"many\": "));
    EXPECT_THAT(error_message([&] {
                    load_experiment(file, {{"train.batch_sizes", 3}});
                }),
                HasSubstr("train.batch_sizes: unknown key"));
    EXPECT_THAT(error_message([&] {
                    load_experiment(file, {{"model.layers[9].units", 3}});
                }),
                HasSubstr("--set model.layers[9].units:"));
}

}  // namespace
}  // namespace nnlab
