// A self-contained HTML page (inline CSS, PNGs as data: URIs, nothing fetched) for run and comparison reports.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnlab {

struct HtmlFigure {
    std::string caption;  // shown under the image and used as its alt text
    std::string png;      // the PNG file's bytes (render_… with FigureFormat::png)
};

struct HtmlTable {
    std::vector<std::string> header;             // may be empty: no header row
    std::vector<std::vector<std::string>> rows;  // each as long as the header (when there is one)
};

struct HtmlSection {
    std::string heading;
    std::string paragraph;  // plain text; a blank line starts a new paragraph
    std::optional<HtmlTable> table;
    std::string preformatted;  // shown as is in a monospace block (config, model summary, classification report)
    std::vector<HtmlFigure> figures;
};

struct HtmlReport {
    std::string title;
    std::string subtitle;
    std::vector<HtmlSection> sections;
};

// The page, as UTF-8 text. All text is escaped; each image carries the width and height of its PNG, so the page
// lays out before the images decode. Throws nnlab::Error naming the section and figure when a figure is not a PNG,
// and naming the row when a table row is not as long as the header.
std::string render_html_report(const HtmlReport& report);

// & < > " ' as character references, safe inside elements and quoted attributes.
std::string html_escape(std::string_view text);

}  // namespace nnlab
