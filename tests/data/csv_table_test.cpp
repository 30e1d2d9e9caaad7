// Tests of the CSV reader: header detection, quoting as RFC 4180 says, line ends, and the line-numbered errors of
// a file that is not a table of numbers.
#include "nnlab/data/formats/csv_table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/error_message.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using nnlab::testing::error_message;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

CsvTable parse(const std::string& text, CsvOptions options = {}) {
    return parse_csv(text, options, "t.csv");
}

std::string parse_error(const std::string& text, CsvOptions options = {}) {
    return error_message([&] { parse(text, options); });
}

TEST(CsvTable, InfersAHeaderFromAFieldThatIsNotANumber) {
    const CsvTable table = parse("a,b,label\n1,2.5,0\n-3,4e2,1\n");
    EXPECT_THAT(table.column_names, ElementsAre("a", "b", "label"));
    EXPECT_EQ(table.rows, 2);
    EXPECT_EQ(table.columns, 3);
    EXPECT_THAT(table.values, ElementsAre(1, 2.5, 0, -3, 400, 1));
    const CsvTable numbers = parse("1,2\n3,4");  // no header, no final line end
    EXPECT_TRUE(numbers.column_names.empty());
    EXPECT_THAT(numbers.values, ElementsAre(1, 2, 3, 4));
}

TEST(CsvTable, HonoursHeaderAndSkipRows) {
    // A first row of numbers taken as names when told so, and metadata lines skipped (scikit-learn's files).
    EXPECT_THAT(parse("1,2\n3,4\n", {.header = true}).column_names, ElementsAre("1", "2"));
    const CsvTable skipped = parse("569,30,malignant,benign\n1,2\n3,4\n", {.header = false, .skip_rows = 1});
    EXPECT_EQ(skipped.rows, 2);
    EXPECT_THAT(skipped.values, ElementsAre(1, 2, 3, 4));
}

TEST(CsvTable, ReadsQuotedFieldsCrlfBlankLinesAndSpaces) {
    const CsvTable table =
        parse("\xEF\xBB\xBF\"width, cm\",\"the \"\"label\"\"\"\r\n\r\n \"1.5\" , 2 \r\n\n+3,4\r\n\r\n");
    EXPECT_THAT(table.column_names, ElementsAre("width, cm", "the \"label\""));
    EXPECT_THAT(table.values, ElementsAre(1.5, 2, 3, 4));
    EXPECT_THAT(parse("a;b\n1;2\n", {.delimiter = ';'}).values, ElementsAre(1, 2));
}

TEST(CsvTable, NamesTheLineAndColumnOfABadField) {
    EXPECT_THAT(parse_error("a,b\n1,2\n3\n"), HasSubstr("t.csv:3: expected 2 fields, as the first row has, found 1"));
    EXPECT_THAT(parse_error("a,b\n1,2\n3,x7\n"),
                HasSubstr("t.csv:3: column 2 (b): expected a finite number, found \"x7\""));
    EXPECT_THAT(parse_error("1,2\n3,nan\n"), HasSubstr("t.csv:2: column 2: expected a finite number, found \"nan\""));
    EXPECT_THAT(parse_error("1,2\n3,1e999\n"), HasSubstr("found \"1e999\""));
    EXPECT_THAT(parse_error("1,2\n3,\n"), HasSubstr("t.csv:2: column 2: expected a finite number, found \"\""));
    EXPECT_THAT(parse_error("a,b\n\"1,2\n"), HasSubstr("t.csv:2: a quoted field is not closed"));
    EXPECT_THAT(parse_error("a,b\n\n"), HasSubstr("t.csv: no data rows after the header"));
    EXPECT_THAT(parse_error(""), HasSubstr("t.csv: no data rows"));
}

TEST(CsvTable, ReadsAFileAndNamesAMissingOne) {
    nnlab::testing::TempDir dir;
    EXPECT_EQ(read_csv_file(dir.write("d.csv", "x,y\n1,0\n"), {}).rows, 1);
    EXPECT_THAT(error_message([&] { read_csv_file(dir / "none.csv", {}); }), HasSubstr("none.csv"));
}

}  // namespace
}  // namespace nnlab
