// TOML as descriptions: read with the line of every key, written back so that it reads to the same tree, floats
// as the shortest text that reads back to the same double.
#include "nnlab/config/toml_document.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "nnlab/core/error.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab::config {
namespace {

using ::testing::HasSubstr;

TEST(TomlDocument, ReadsTypesAndLines) {
    const Document d = parse_toml(R"(name = "x"
seed = 4
[train]
rate = 0.5
on = true
layers = [
  { type = "Dense", units = 3 },
  { type = "Flatten" },
]
)",
                                  "f.toml");
    EXPECT_EQ(d.tree["name"], "x");
    EXPECT_TRUE(d.tree["seed"].is_number_integer());
    EXPECT_TRUE(d.tree["train"]["rate"].is_number_float());
    EXPECT_EQ(d.tree["train"]["layers"][0]["units"], 3);
    EXPECT_EQ(d.source.line_of("seed"), 2);
    EXPECT_EQ(d.source.line_of("train.rate"), 4);
    EXPECT_EQ(d.source.line_of("train.layers[1]"), 8);
    EXPECT_EQ(d.source.line_of("train.layers[1].missing"), 8);  // the nearest enclosing place
}

TEST(TomlDocument, SyntaxErrorsNameTheFileLineAndColumn) {
    try {
        parse_toml("[model\nlayers = 3\n", "bad.toml");
        FAIL() << "accepted";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("bad.toml:1:"));
        EXPECT_THAT(e.what(), HasSubstr("not valid TOML"));
    }
    nnlab::testing::TempDir dir;
    EXPECT_THROW(read_toml_file(dir / "absent.toml"), Error);
    EXPECT_THROW(read_toml_file(dir.path()), Error);  // a folder
}

TEST(ToTomlWriter, FloatsAreTheShortestTextThatReadsBack) {
    const Description d = {{"a", 0.1}, {"b", 1e-7}, {"c", 2.0}, {"d", 0.0001}, {"e", 1e16}, {"f", 123.456}};
    const std::string text = to_toml(d);
    EXPECT_THAT(text, HasSubstr("a = 0.1\n"));
    EXPECT_THAT(text, HasSubstr("b = 1e-07\n"));
    EXPECT_THAT(text, HasSubstr("c = 2.0\n"));
    EXPECT_THAT(text, HasSubstr("d = 0.0001\n"));
    EXPECT_THAT(text, HasSubstr("e = 1e+16\n"));
    EXPECT_THAT(text, HasSubstr("f = 123.456\n"));
    EXPECT_EQ(parse_toml(text, "t").tree, d);
    // Doubles that need all 17 digits still read back exactly.
    const Description hard = {{"x", 0.1 + 0.2}, {"y", std::numeric_limits<double>::min()}, {"z", 1.0 / 3.0}};
    EXPECT_EQ(parse_toml(to_toml(hard), "t").tree, hard);
}

TEST(ToTomlWriter, SectionsInOrderAndArraysOfTablesOnePerLine) {
    const Description d = {
        {"seed", 1},
        {"train", {{"epochs", 2}}},
        {"model", {{"layers", {{{"units", 3}, {"type", "Dense"}}, {{"type", "Flatten"}}}}}},
        {"callbacks", {{{"type", "csv_logger"}, {"filename", "a \"b\".csv"}}}},
    };
    const std::string text = to_toml(d, {"model", "train"});
    EXPECT_EQ(text,
              "seed = 1\n"
              "\n[model]\n"
              "layers = [\n"
              "  { type = \"Dense\", units = 3 },\n"
              "  { type = \"Flatten\" },\n"
              "]\n"
              "\n[train]\n"
              "epochs = 2\n"
              "\n[[callbacks]]\n"
              "type = \"csv_logger\"\n"
              "filename = \"a \\\"b\\\".csv\"\n");
    EXPECT_EQ(parse_toml(text, "t").tree, d);
}

TEST(ToTomlWriter, StringsAndKeysAreEscaped) {
    const Description d = {{"odd key", "tab\there\nnewline \\ back \x01"}, {"plain_key-1", "é"}};
    const std::string text = to_toml(d);
    EXPECT_THAT(text, HasSubstr("\"odd key\" = "));
    EXPECT_EQ(parse_toml(text, "t").tree, d);
}

TEST(ToTomlWriter, RefusesWhatTomlCannotHold) {
    EXPECT_THROW(to_toml(Description({1, 2})), Error);                                      // not a table at the root
    EXPECT_THROW(to_toml(Description{{"a", {1, Description::object(), nullptr}}}), Error);  // null in an array
}

// toml++ recurses once per dotted key or header part: a hostile file a hundred thousand deep would overflow the
// stack, so runs of more than 64 are refused first, with the line; strings and comments do not count.
TEST(TomlDocument, KeysNestedTooDeepAreRefusedBeforeParsing) {
    std::string deep = "x = 1\n\na";
    for (int i = 0; i < 100000; ++i) deep += ".a";
    try {
        parse_toml(deep + " = 1\n", "deep.toml");
        FAIL() << "accepted";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(),
                     "deep.toml:3: a key nests more than 64 tables deep (a.b.c…); experiment files need a few");
    }
    std::string header = "[a";
    for (int i = 0; i < 65; ++i) header += ".b";
    EXPECT_THROW(parse_toml(header + "]\n", "deep.toml"), Error);
    std::string fine = "a";
    for (int i = 0; i < 64; ++i) fine += ".a";
    EXPECT_NO_THROW(parse_toml(fine + " = 1\n", "ok.toml"));
    // Dots inside strings, comments and numbers are not keys.
    const std::string dots(1000, '.');
    EXPECT_NO_THROW(parse_toml("a = \"" + dots + "\"\nb = '" + dots + "'\nc = \"\"\"\n" + dots + "\"\"\"\n# " + dots +
                                   "\nd = 1.5\ne = \"\\\"\" # " + dots + "\n",
                               "strings.toml"));
}

}  // namespace
}  // namespace nnlab::config
