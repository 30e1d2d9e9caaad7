// Shared formatting: fixed decimals as Python's format spec, thousands separators, CSV quoting.
#include "nnlab/core/text_format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace nnlab {
namespace {

TEST(TextFormat, FixedRoundsTheBinaryValueHalfToEvenAsPython) {
    EXPECT_EQ(fixed(0.54355, 4), "0.5435");  // 0.54355 is stored just below the half
    EXPECT_EQ(fixed(0.125, 2), "0.12");      // an exact half goes to even
    EXPECT_EQ(fixed(2.5, 0), "2");
    EXPECT_EQ(fixed(1.0 / 3.0, 13), "0.3333333333333");
    EXPECT_EQ(fixed(std::numeric_limits<double>::infinity(), 4), "inf");
    EXPECT_EQ(fixed(std::numeric_limits<double>::max(), 2).size(), 309u + 3u);
}

TEST(TextFormat, ThousandsSeparators) {
    EXPECT_EQ(with_thousands(0), "0");
    EXPECT_EQ(with_thousands(999), "999");
    EXPECT_EQ(with_thousands(1000), "1,000");
    EXPECT_EQ(with_thousands(1707274), "1,707,274");
    EXPECT_EQ(with_thousands(-1234567), "-1,234,567");
    EXPECT_EQ(with_thousands(-123), "-123");
}

TEST(TextFormat, CsvFieldsAreQuotedOnlyWhenTheyMustBe) {
    EXPECT_EQ(csv_field("loss=hinge"), "loss=hinge");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

TEST(TextFormat, ByteSizesInPowersOf1024) {
    EXPECT_EQ(byte_size(0), "0 bytes");
    EXPECT_EQ(byte_size(1023), "1023 bytes");
    EXPECT_EQ(byte_size(1536), "1.5 KB");
    EXPECT_EQ(byte_size(6.51 * 1024 * 1024), "6.5 MB");
    EXPECT_EQ(byte_size(1.2e12), "1.1 TB");
    EXPECT_EQ(byte_size(1e30), "867361737988.4 EB");  // past the last unit, the number grows
}

TEST(TextFormat, ClosestMatchFindsTyposOnly) {
    const std::vector<std::string> commands{"train", "summary", "evaluate", "predict", "compare"};
    EXPECT_EQ(closest_match("trian", commands), "train");      // two letters swapped: one edit
    EXPECT_EQ(closest_match("Summary", commands), "summary");  // case is not a typo
    EXPECT_EQ(closest_match("evalute", commands), "evaluate");
    EXPECT_EQ(closest_match("fit", commands), "");  // nothing close
    EXPECT_EQ(closest_match("", commands), "");
    // A word cut short matches the one name it begins; two such names are too many to guess between.
    EXPECT_EQ(closest_match("batch", {"batch_size", "epochs"}), "batch_size");
    EXPECT_EQ(closest_match("batch", {"batch_size", "batch_norm"}), "");
    EXPECT_EQ(did_you_mean("epoch", {"epochs"}), " (did you mean 'epochs'?)");
    EXPECT_EQ(did_you_mean("zzz", {"epochs"}), "");
    EXPECT_EQ(closest_match(std::string(10000, 'a'), commands), "");  // no 10000 × n table for a hostile key
}

}  // namespace
}  // namespace nnlab
