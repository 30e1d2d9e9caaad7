// Shared formatting: fixed decimals as Python's format spec, thousands separators, CSV quoting.
#include "nnlab/core/text_format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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

}  // namespace
}  // namespace nnlab
