// config::Reader, the one validator: typed reads, every error naming the key's full path, what was expected and
// what was found, and the file and line when the description came from a file.
#include "nnlab/config/reader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "nnlab/config/toml_document.hpp"

namespace nnlab::config {
namespace {

using ::testing::HasSubstr;

// The ConfigError `read` throws; fails the test when it throws nothing.
ConfigError error_of(const std::function<void()>& read) {
    try {
        read();
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "expected a ConfigError";
    return ConfigError("", "");
}

TEST(Reader, TypedReadsTakeWhatIsThereAndNothingElse) {
    const Description d = {{"units", 3}, {"rate", 0.5}, {"name", "x"}, {"on", true}, {"sizes", {1, 2}}};
    const Reader r(d, "layer");
    EXPECT_EQ(r.positive_integer("units"), 3);
    EXPECT_EQ(r.number("units"), 3.0);  // an integer is a number too
    EXPECT_EQ(r.number("rate"), 0.5);
    EXPECT_EQ(r.string("name"), "x");
    EXPECT_EQ(r.boolean("on"), true);
    EXPECT_EQ(r.positive_integers("sizes"), (std::vector<int64_t>{1, 2}));
    EXPECT_FALSE(r.integer("absent").has_value());
    EXPECT_EQ(r.path_of("units"), "layer.units");
}

TEST(Reader, WrongTypesNameThePathTheExpectationAndTheValue) {
    const Description d = {{"units", "64"}, {"rate", true}, {"big", std::numeric_limits<uint64_t>::max()}};
    const Reader r(d, "model.layers[2]");
    const ConfigError units = error_of([&] { r.positive_integer("units"); });
    EXPECT_EQ(units.key(), "model.layers[2].units");
    EXPECT_STREQ(units.what(), "model.layers[2].units: expected a positive integer, found \"64\"");
    EXPECT_STREQ(error_of([&] { r.number("rate"); }).what(), "model.layers[2].rate: expected a number, found true");
    // Above int64_t: not an integer this code can hold, so not silently wrapped.
    EXPECT_THAT(error_of([&] { r.integer("big"); }).what(),
                HasSubstr("expected an integer, found 18446744073709551615"));
}

TEST(Reader, RangesAreCheckedBeforeNarrowing) {
    const Description d = {{"workers", 65}, {"epochs", 4294967297}};
    const Reader r(d, "data");
    EXPECT_STREQ(error_of([&] { r.integer("workers", 0, 64); }).what(),
                 "data.workers: expected an integer from 0 to 64, found 65");
    EXPECT_STREQ(error_of([&] { r.integer("epochs", 1, 1000); }).what(),
                 "data.epochs: expected an integer from 1 to 1000, found 4294967297");
    EXPECT_EQ(r.integer("workers", 0, 100), 65);
}

TEST(Reader, NonFiniteNumbersAreRefused) {
    const Description d = {{"rate", std::numeric_limits<double>::quiet_NaN()},
                           {"lr", std::numeric_limits<double>::infinity()}};
    const Reader r(d);
    EXPECT_STREQ(error_of([&] { r.number("rate"); }).what(), "rate: expected a finite number, found nan");
    EXPECT_STREQ(error_of([&] { r.number("lr"); }).what(), "lr: expected a finite number, found inf");
    EXPECT_STREQ(error_of([&] {
                     r.number(
                         "lr", [](double v) { return v > 0; }, "a number > 0");
                 }).what(),
                 "lr: expected a number > 0, found inf");
}

TEST(Reader, UnknownKeysAreTyposListingTheKnownOnes) {
    const Description d = {{"epoch", 5}};
    EXPECT_STREQ(error_of([&] {
                     Reader(d, "train").reject_unknown({"epochs", "batch_size"});
                 }).what(),
                 "train.epoch: unknown key; expected one of epochs, batch_size (did you mean 'epochs'?)");
    // No suggestion when nothing is close.
    const Description far = {{"learning", 5}};
    EXPECT_STREQ(error_of([&] {
                     Reader(far, "train").reject_unknown({"epochs", "batch_size"});
                 }).what(),
                 "train.learning: unknown key; expected one of epochs, batch_size");
}

TEST(Reader, ErrorsFromAFileNameTheFileAndTheKeysLine) {
    const Document document = parse_toml("[train]\nepochs = 3\nbatch_size = \"64\"\n", "run.toml");
    const Reader train = *document.reader().table("train");
    EXPECT_STREQ(error_of([&] { train.positive_integer("batch_size"); }).what(),
                 "run.toml:3: train.batch_size: expected a positive integer, found \"64\"");
    // A missing key points at its table.
    EXPECT_STREQ(error_of([&] { train.require("loss", "expected a loss"); }).what(),
                 "run.toml:1: train.loss: missing; expected a loss");
}

TEST(Reader, KeyErrorsFromConstructorsAreLocatedWhereTheKeyIs) {
    const Document document = parse_toml("[layer]\ntype = \"Dense\"\nunits = 0\n", "m.toml");
    const Reader layer = *document.reader().table("layer");
    const ConfigError error =
        error_of([&] { layer.located([] { throw KeyError("units", "units: expected more than 0, found 0"); }); });
    EXPECT_EQ(error.key(), "layer.units");
    EXPECT_STREQ(error.what(), "m.toml:3: layer.units: expected more than 0, found 0");
}

TEST(Reader, NestedTablesAndArraysKeepTheirPlace) {
    const Description d = {{"layers", {{{"type", "Dense"}}, {{"type", "Flatten"}, {"units", -1}}}}};
    const std::vector<Reader> layers = Reader(d, "model").tables("layers");
    ASSERT_EQ(layers.size(), 2u);
    EXPECT_EQ(layers[1].path(), "model.layers[1]");
    EXPECT_STREQ(error_of([&] { layers[1].positive_integer("units"); }).what(),
                 "model.layers[1].units: expected a positive integer, found -1");
    const Description not_tables = {{"layers", {1, 2}}};
    EXPECT_STREQ(error_of([&] { Reader(not_tables, "model").tables("layers"); }).what(),
                 "model.layers: item 0: expected a table, found 1");
}

TEST(Describe, ShowsValuesAsTomlWritesThem) {
    EXPECT_EQ(describe(Description(2.0)), "2.0");
    EXPECT_EQ(describe(Description(0.1)), "0.1");
    EXPECT_EQ(describe(Description(-3)), "-3");
    EXPECT_EQ(describe(Description("abc")), "\"abc\"");
    EXPECT_EQ(describe(Description::object()), "a table");
    EXPECT_EQ(describe(Description({1, 2})), "[1,2]");
    EXPECT_EQ(describe(Description(std::vector<int>(30, 7))), "an array of 30 values");
}

}  // namespace
}  // namespace nnlab::config
