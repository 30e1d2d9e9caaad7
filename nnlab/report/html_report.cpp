// A self-contained HTML page (inline CSS, PNGs as data: URIs, nothing fetched) for run and comparison reports.
#include "nnlab/report/html_report.hpp"

#include <cctype>
#include <cstdint>
#include <cstdlib>

#include "nnlab/core/error.hpp"
#include "nnlab/report/base64.hpp"

namespace nnlab {
namespace {

// Readable without anything from the network: system fonts, a centred column, bordered tables.
constexpr std::string_view style = R"css(
:root { color-scheme: light; }
body { margin: 0; background: #f3f4f6; color: #1f2328;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; min-height: 100vh;
       box-sizing: border-box; box-shadow: 0 0 0 1px #e5e7eb; }
h1 { font-size: 26px; margin: 8px 0 2px; }
.subtitle { color: #57606a; margin: 0 0 8px; }
section { border-top: 1px solid #d0d7de; margin-top: 24px; padding-top: 4px; }
h2 { font-size: 20px; margin: 12px 0 10px; }
p { margin: 0 0 10px; max-width: 80ch; }
table { border-collapse: collapse; margin: 4px 0 16px; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d0d7de; padding: 4px 12px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.num { text-align: right; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 14px; overflow-x: auto;
      font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", monospace; margin: 4px 0 16px; }
figure { margin: 8px 0 20px; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #eaeef2; }
figcaption { color: #57606a; font-size: 13px; margin-top: 4px; }
)css";

// The size a PNG declares in its IHDR chunk, which always comes first: signature (8), length (4), "IHDR" (4),
// then width and height as big-endian 32-bit numbers.
std::pair<uint32_t, uint32_t> png_size(const std::string& png, const std::string& where) {
    constexpr std::string_view signature = "\x89PNG\r\n\x1a\n";
    if (png.size() < 24 || png.compare(0, signature.size(), signature) != 0 || png.compare(12, 4, "IHDR") != 0) {
        throw Error("html report: " + where + " is not a PNG (" + std::to_string(png.size()) +
                    " bytes without the PNG signature and IHDR header); render figures with FigureFormat::png");
    }
    const auto be32 = [&](size_t at) {
        uint32_t v = 0;
        for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(png[at + i]);
        return v;
    };
    return {be32(16), be32(20)};
}

// Numbers line up on the right, as in a spreadsheet: "0.9312", "-3", "1e-3", "87.5%".
bool looks_numeric(const std::string& text) {
    if (text.empty() ||
        !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-' || text[0] == '+' || text[0] == '.')) {
        return false;
    }
    char* end = nullptr;
    std::strtod(text.c_str(), &end);
    return end != text.c_str() && (*end == '\0' || (end[0] == '%' && end[1] == '\0'));
}

void append_paragraphs(std::string& html, const std::string& text) {
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find("\n\n", start);
        if (end == std::string::npos) end = text.size();
        const std::string_view part = std::string_view(text).substr(start, end - start);
        if (part.find_first_not_of(" \n\t") != std::string_view::npos) html += "<p>" + html_escape(part) + "</p>\n";
        start = end + 2;
    }
}

void append_table(std::string& html, const HtmlTable& table, const std::string& heading) {
    html += "<table>\n";
    if (!table.header.empty()) {
        html += "<thead><tr>";
        for (const auto& cell : table.header) html += "<th>" + html_escape(cell) + "</th>";
        html += "</tr></thead>\n";
    }
    html += "<tbody>\n";
    for (size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        if (!table.header.empty() && row.size() != table.header.size()) {
            throw Error("html report: section '" + heading + "', table row " + std::to_string(r + 1) + " has " +
                        std::to_string(row.size()) + " cells but the header has " +
                        std::to_string(table.header.size()) + "; give every row one cell per column");
        }
        html += "<tr>";
        for (const auto& cell : row)
            html += (looks_numeric(cell) ? "<td class=\"num\">" : "<td>") + html_escape(cell) + "</td>";
        html += "</tr>\n";
    }
    html += "</tbody>\n</table>\n";
}

void append_figure(std::string& html, const HtmlFigure& figure, const std::string& where) {
    const auto [width, height] = png_size(figure.png, where);
    const std::string caption = html_escape(figure.caption);
    html += "<figure><img src=\"data:image/png;base64," + base64_encode(figure.png) + "\" width=\"" +
            std::to_string(width) + "\" height=\"" + std::to_string(height) + "\" alt=\"" + caption + "\">";
    if (!caption.empty()) html += "<figcaption>" + caption + "</figcaption>";
    html += "</figure>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string render_html_report(const HtmlReport& report) {
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    html += "<title>" + html_escape(report.title) + "</title>\n<style>" + std::string(style) + "</style>\n";
    html += "</head>\n<body>\n<main>\n<header>\n<h1>" + html_escape(report.title) + "</h1>\n";
    if (!report.subtitle.empty()) html += "<p class=\"subtitle\">" + html_escape(report.subtitle) + "</p>\n";
    html += "</header>\n";
    for (size_t s = 0; s < report.sections.size(); ++s) {
        const HtmlSection& section = report.sections[s];
        html += "<section>\n";
        if (!section.heading.empty()) html += "<h2>" + html_escape(section.heading) + "</h2>\n";
        append_paragraphs(html, section.paragraph);
        if (section.table) append_table(html, *section.table, section.heading);
        if (!section.preformatted.empty()) html += "<pre>" + html_escape(section.preformatted) + "</pre>\n";
        for (size_t f = 0; f < section.figures.size(); ++f) {
            append_figure(html, section.figures[f],
                          "section '" + section.heading + "', figure " + std::to_string(f + 1) + " ('" +
                              section.figures[f].caption + "')");
        }
        html += "</section>\n";
    }
    html += "</main>\n</body>\n</html>\n";
    return html;
}

}  // namespace nnlab
