// Tests of the self-contained HTML report and its base64: RFC 4648's vectors, escaping of every piece of text,
// nothing fetched from anywhere, and the PNG bytes coming back whole out of their data: URI.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nnlab/report/base64.hpp"
#include "nnlab/report/figures.hpp"
#include "nnlab/report/html_report.hpp"
#include "tests/support/error_message.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Base64, EncodesTheRfc4648TestVectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
    EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesTheRfc4648TestVectors) {
    EXPECT_EQ(base64_decode(""), "");
    EXPECT_EQ(base64_decode("Zg=="), "f");
    EXPECT_EQ(base64_decode("Zm8="), "fo");
    EXPECT_EQ(base64_decode("Zm9v"), "foo");
    EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
    EXPECT_EQ(base64_decode("Zm9vYmE="), "fooba");
    EXPECT_EQ(base64_decode("Zm9vYmFy"), "foobar");
}

TEST(Base64, EveryByteValueRoundTripsAndUsesBothHighCharacters) {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    bytes += bytes.substr(250);  // a length that is not a multiple of 3
    const std::string text = base64_encode(bytes);
    EXPECT_EQ(text.size() % 4, 0u);
    EXPECT_THAT(text, HasSubstr("+"));
    EXPECT_THAT(text, HasSubstr("/"));
    EXPECT_EQ(base64_decode(text), bytes);
}

TEST(Base64, MalformedTextIsNamed) {
    EXPECT_THAT(testing::error_message([] { base64_decode("Zm9"); }), HasSubstr("not a multiple of 4"));
    EXPECT_THAT(testing::error_message([] { base64_decode("Zm9v!A=="); }), HasSubstr("character 4 ('!')"));
    EXPECT_THAT(testing::error_message([] { base64_decode("Zg==Zg=="); }), HasSubstr("character 2 ('=')"));
}

std::string small_png(const std::string& title) {
    return render_comparison({{"run", {1, 2, 3}, {0.3, 0.5, 0.6}}}, title, "Epoch", "accuracy", FigureFormat::png);
}

// The base64 text of the first data: URI in `html`.
std::string first_data_uri(const std::string& html) {
    const std::string prefix = "src=\"data:image/png;base64,";
    const size_t start = html.find(prefix);
    if (start == std::string::npos) return {};
    const size_t from = start + prefix.size();
    return html.substr(from, html.find('"', from) - from);
}

TEST(HtmlReport, EscapesEveryPieceOfText) {
    const std::string nasty = "<script>alert(\"x\") & 'y'</script>";
    const std::string escaped = "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;";
    HtmlReport report{nasty, nasty, {}};
    report.sections.push_back({nasty, nasty, HtmlTable{{nasty}, {{nasty}}}, nasty, {{nasty, small_png("t")}}});
    const std::string html = render_html_report(report);
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, Not(HasSubstr("'y'")));
    EXPECT_THAT(html, HasSubstr("<title>" + escaped + "</title>"));
    EXPECT_THAT(html, HasSubstr("<h1>" + escaped + "</h1>"));
    EXPECT_THAT(html, HasSubstr("<h2>" + escaped + "</h2>"));
    EXPECT_THAT(html, HasSubstr("<p>" + escaped + "</p>"));
    EXPECT_THAT(html, HasSubstr("<th>" + escaped + "</th>"));
    EXPECT_THAT(html, HasSubstr("<td>" + escaped + "</td>"));
    EXPECT_THAT(html, HasSubstr("<pre>" + escaped + "</pre>"));
    EXPECT_THAT(html, HasSubstr("alt=\"" + escaped + "\""));
    EXPECT_THAT(html, HasSubstr("<figcaption>" + escaped + "</figcaption>"));
    EXPECT_EQ(html_escape("a&b"), "a&amp;b");
}

TEST(HtmlReport, ReferencesNothingOutsideThePage) {
    HtmlReport report{"run", "CIFAR-10", {}};
    report.sections.push_back({"Curves", "plain text", std::nullopt, "", {{"one", small_png("a")}}});
    report.sections.push_back(
        {"Matrix", "", HtmlTable{{"class", "precision"}, {{"cat", "0.50"}}}, "cfg = 1", {{"two", small_png("b")}}});
    const std::string html = render_html_report(report);
    EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
    EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
    EXPECT_THAT(html, Not(HasSubstr("http://")));
    EXPECT_THAT(html, Not(HasSubstr("https://")));
    EXPECT_THAT(html, Not(HasSubstr("src=\"/")));
    EXPECT_THAT(html, Not(HasSubstr("<link")));
    EXPECT_THAT(html, Not(HasSubstr("url(")));
    EXPECT_THAT(html, Not(HasSubstr("@import")));
    // Every image is inline.
    size_t images = 0;
    for (size_t at = html.find("<img"); at != std::string::npos; at = html.find("<img", at + 1)) {
        ++images;
        EXPECT_EQ(html.compare(at, 32, "<img src=\"data:image/png;base64,"), 0) << html.substr(at, 60);
    }
    EXPECT_EQ(images, 2u);
}

TEST(HtmlReport, PngBytesRoundTripThroughTheDataUriWithTheirSizeAndCaption) {
    const std::string png = small_png("round trip");
    const std::string html = render_html_report({"run", "", {{"Figures", "", std::nullopt, "", {{"Curves", png}}}}});
    EXPECT_EQ(base64_decode(first_data_uri(html)), png);
    EXPECT_THAT(html, HasSubstr("width=\"800\" height=\"520\" alt=\"Curves\""));
}

TEST(HtmlReport, TablesRightAlignNumbersAndParagraphsSplitOnBlankLines) {
    HtmlReport report{"run", "", {}};
    report.sections.push_back(
        {"S", "first\n\nsecond", HtmlTable{{"name", "value"}, {{"loss", "1.25"}, {"lr", "1e-3"}}}, "", {}});
    const std::string html = render_html_report(report);
    EXPECT_THAT(html, HasSubstr("<p>first</p>\n<p>second</p>"));
    EXPECT_THAT(html, HasSubstr("<td>loss</td><td class=\"num\">1.25</td>"));
    EXPECT_THAT(html, HasSubstr("<td class=\"num\">1e-3</td>"));
}

TEST(HtmlReport, BadFiguresAndRaggedTablesAreNamed) {
    EXPECT_THAT(testing::error_message([] {
                    render_html_report({"run", "", {{"Curves", "", std::nullopt, "", {{"loss", "<svg></svg>"}}}}});
                }),
                HasSubstr("section 'Curves', figure 1 ('loss') is not a PNG"));
    EXPECT_THAT(
        testing::error_message([] {
            render_html_report({"run", "", {{"Metrics", "", HtmlTable{{"a", "b"}, {{"1", "2"}, {"3"}}}, "", {}}}});
        }),
        HasSubstr("section 'Metrics', table row 2 has 1 cells but the header has 2"));
}

}  // namespace
}  // namespace nnlab
