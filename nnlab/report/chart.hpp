// Line charts drawn on a cairo context in matplotlib's look (pyplot.plot + grid + legend), shared by the figures.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

// cairo's own forward declaration, so that this header does not need cairo's include path (only the library has it).
typedef struct _cairo cairo_t;

namespace nnlab {

struct Rgb {
    double r, g, b;
};

// matplotlib's default colour cycle (tab10: C0 blue, C1 orange, C2 green, C3 red, …), wrapping after ten.
Rgb tab10(size_t index);

// Tick values that are multiples of a 1-2-5 × 10^k step inside [low, high]: the finest step giving at most `target` of
// them, and at least one step `min_step` apart (1 for whole numbers such as epochs). Empty when the range is empty or
// not finite.
std::vector<double> nice_ticks(double low, double high, int target, double min_step = 0);

// The label of a tick of a 1-2-5 `step` axis: as many decimals as the step needs ("0.25" → "0.2"/"0.4" step 0.2),
// scientific for very small or large values ("2e−5"), with a real minus sign as matplotlib writes it.
std::string tick_label(double value, double step);

// Text with cairo's toy API in DejaVu Sans (the font matplotlib ships by default).
enum class Anchor { start, middle, end };
void set_font(cairo_t* cr, double size, bool bold = false);
double text_width(cairo_t* cr, const std::string& text);
// Draws `text` so that its anchor point (horizontal, vertical: start = left/top) lies at (x, y), turned by `angle`
// radians (clockwise, as cairo's y axis points down) about that point. Uses the current source colour.
void draw_text(cairo_t* cr, const std::string& text, double x, double y, Anchor horizontal, Anchor vertical,
               double angle = 0);

struct ChartSeries {
    std::string label;             // legend entry; series without a label stay out of the legend
    std::vector<double> x, y;      // same length; points with a non-finite value (or y ≤ 0 on a log axis) are gaps
    std::optional<size_t> colour;  // tab10 index; by default the series' position in the chart
    bool markers = false;          // a dot on every point (isolated points always get one, or they would not show)
    // A shaded band from low to high under the line (matplotlib's fill_between, alpha 0.2 in the series' colour),
    // one pair per x; empty for none.
    std::vector<double> band_low, band_high;
};

struct LineChart {
    std::string title, x_label, y_label;
    std::vector<ChartSeries> series;
    bool log_y = false;      // decades labelled 10ⁿ, minor ticks at 2…9
    bool integer_x = false;  // x ticks on whole numbers only (epochs)
};

struct Box {
    double x, y, width, height;
};

// Draws the whole panel — title, axes, ticks, grid, series, legend — inside `box`. A chart without a single
// drawable point gets its axes and "no data". Throws nnlab::Error when a series' x and y differ in length.
void draw_line_chart(cairo_t* cr, const LineChart& chart, const Box& box);

}  // namespace nnlab
