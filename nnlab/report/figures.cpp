// Figures of a run as PNG or SVG bytes: training curves, the confusion-matrix heatmap, comparisons of runs.
#include "nnlab/report/figures.hpp"

#include <cairo-svg.h>
#include <cairo.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>

#include "nnlab/core/error.hpp"
#include "nnlab/report/cairo_handles.hpp"
#include "nnlab/report/chart.hpp"
#include "nnlab/report/html_report.hpp"

namespace nnlab {
namespace {

using cairo::append_to_string;
using cairo::Context;
using cairo::Surface;

// A white drawing surface that ends up as the bytes of a PNG or an SVG file.
class Canvas {
public:
    Canvas(FigureFormat format, int width, int height) : format_(format) {
        if (format == FigureFormat::svg) {
            surface_.reset(cairo_svg_surface_create_for_stream(append_to_string, &svg_, width, height));
            cairo_svg_surface_set_document_unit(surface_.get(), CAIRO_SVG_UNIT_PX);
        } else {
            surface_.reset(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height));
        }
        context_.reset(cairo_create(surface_.get()));
        if (cairo_status(context_.get()) != CAIRO_STATUS_SUCCESS) {
            throw Error("figure: cairo cannot make a " + std::to_string(width) + "×" + std::to_string(height) +
                            " canvas: " + cairo_status_to_string(cairo_status(context_.get())),
                        ErrorKind::failure);
        }
        cairo_set_source_rgb(cr(), 1, 1, 1);
        cairo_paint(cr());
    }
    cairo_t* cr() { return context_.get(); }

    // The file's bytes; `title` becomes the SVG's <title> (its accessible name; cairo writes text as glyph shapes).
    std::string finish(const std::string& title) {
        const cairo_status_t drawn = cairo_status(cr());
        if (drawn != CAIRO_STATUS_SUCCESS) {
            throw Error(std::string("figure: cairo failed while drawing: ") + cairo_status_to_string(drawn),
                        ErrorKind::failure);
        }
        if (format_ == FigureFormat::png) {
            std::string png;
            if (cairo_surface_write_to_png_stream(surface_.get(), append_to_string, &png) != CAIRO_STATUS_SUCCESS) {
                throw Error("figure: cairo could not encode the PNG", ErrorKind::failure);
            }
            return png;
        }
        context_.reset();
        cairo_surface_finish(surface_.get());
        if (cairo_surface_status(surface_.get()) != CAIRO_STATUS_SUCCESS) {
            throw Error("figure: cairo could not write the SVG", ErrorKind::failure);
        }
        const size_t svg = svg_.find("<svg");
        const size_t open_end = svg == std::string::npos ? std::string::npos : svg_.find('>', svg);
        if (open_end != std::string::npos) svg_.insert(open_end + 1, "\n<title>" + html_escape(title) + "</title>");
        return std::move(svg_);
    }

private:
    FigureFormat format_;
    std::string svg_;  // before surface_, which writes into it until it is finished
    Surface surface_;
    Context context_;
};

std::string humanize(const std::string& key) {
    std::string text = key;
    std::replace(text.begin(), text.end(), '_', ' ');
    if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    return text;
}

// ---- confusion matrix ----------------------------------------------------------------------------------------

constexpr double heat_pad = 16, heat_title = 16, heat_label = 14, heat_names = 13, heat_tick = 4, heat_gap = 4;

// matplotlib's "Blues": ColorBrewer's nine blues, interpolated linearly in RGB.
Rgb blues(double t) {
    static constexpr std::array<uint32_t, 9> stops{0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6,
                                                   0x4292c6, 0x2171b5, 0x08519c, 0x08306b};
    const double at = std::clamp(t, 0.0, 1.0) * 8;
    const size_t i = std::min<size_t>(static_cast<size_t>(at), 7);
    const double f = at - static_cast<double>(i);
    const auto channel = [&](int shift) {
        const double a = ((stops[i] >> shift) & 255) / 255.0, b = ((stops[i + 1] >> shift) & 255) / 255.0;
        return a + (b - a) * f;
    };
    return {channel(16), channel(8), channel(0)};
}

// seaborn's rule for annotation colour: WCAG relative luminance above 0.408 gets dark text, else white.
double relative_luminance(const Rgb& c) {
    const auto linear = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
}

void check_confusion_input(const std::vector<int64_t>& counts, const std::vector<std::string>& names) {
    if (names.empty()) {
        throw Error("confusion matrix: class_names is empty; pass one name per class (e.g. the dataset's class_names)");
    }
    const size_t n = names.size();
    if (counts.size() != n * n) {
        throw Error("confusion matrix: " + std::to_string(counts.size()) + " counts for " + std::to_string(n) +
                    " class names; expected " + std::to_string(n) + "² = " + std::to_string(n * n) +
                    " (row-major, rows = true labels, columns = predictions)");
    }
    for (size_t i = 0; i < counts.size(); ++i) {
        if (counts[i] < 0) {
            throw Error("confusion matrix: the count for true '" + names[i / n] + "', predicted '" + names[i % n] +
                        "' is " + std::to_string(counts[i]) + "; counts cannot be negative");
        }
    }
}

// What the cells show: the counts (seaborn's fmt="d", the scale from the smallest to the largest count), or each
// row divided by its sum (scikit-learn's normalize="true": the share of each true class predicted as each class,
// two decimals, the scale from 0 to 1).
struct HeatValues {
    std::vector<double> values;
    std::vector<std::string> texts;
    bool fractions = false;
};

HeatValues heat_values(const std::vector<int64_t>& counts, size_t n, ConfusionValues kind) {
    HeatValues v;
    v.fractions = kind == ConfusionValues::normalized_by_true_label;
    for (size_t r = 0; r < n; ++r) {
        int64_t total = 0;
        for (size_t c = 0; c < n; ++c) total += counts[r * n + c];
        for (size_t c = 0; c < n; ++c) {
            const int64_t count = counts[r * n + c];
            if (!v.fractions) {
                v.values.push_back(static_cast<double>(count));
                v.texts.push_back(std::to_string(count));
                continue;
            }
            const double share = total > 0 ? static_cast<double>(count) / static_cast<double>(total) : 0.0;
            char text[16];
            std::snprintf(text, sizeof text, "%.2f", share);
            v.values.push_back(share);
            v.texts.emplace_back(text);
        }
    }
    return v;
}

struct Heatmap {
    ConfusionMatrixLayout layout;
    bool rotate_x;              // x labels at 45° because the longest name is wider than a cell
    double low, high;           // the colour scale: seaborn's vmin, vmax (the smallest and largest count)
    std::vector<double> ticks;  // colour bar ticks
    double tick_step;           // their spacing, for their labels
    double bar_left, bar_width;
};

Heatmap heatmap_geometry(cairo_t* cr, const std::vector<int64_t>& counts, const std::vector<std::string>& names,
                         const HeatValues& shown) {
    check_confusion_input(counts, names);
    const auto n = static_cast<double>(names.size());
    // 60 px cells up to ten classes (at least 360 px in all), then smaller ones so 100 classes still fit a screen.
    const double cell =
        names.size() <= 10 ? std::max(60.0, std::round(360 / n)) : std::max(20.0, std::round(60 * std::sqrt(10 / n)));
    const double grid = cell * n;
    set_font(cr, heat_names);
    double name_width = 0;
    for (const auto& name : names) name_width = std::max(name_width, text_width(cr, name));
    const double line = heat_names * 1.25;
    Heatmap h{};
    h.rotate_x = name_width + 6 > cell;
    const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
    h.low = shown.fractions ? 0.0 : static_cast<double>(*lo);
    h.high = shown.fractions ? 1.0 : *hi > *lo ? static_cast<double>(*hi) : h.low + 1;
    h.ticks = nice_ticks(h.low, h.high, std::clamp(static_cast<int>(grid / 70), 3, 8), shown.fractions ? 0 : 1);
    h.tick_step = h.ticks.size() > 1 ? h.ticks[1] - h.ticks[0] : 1;
    double tick_width = 0;
    for (double t : h.ticks) tick_width = std::max(tick_width, text_width(cr, tick_label(t, h.tick_step)));

    const double x_names = h.rotate_x ? (name_width + line) * std::numbers::sqrt2 / 2 : line;
    double left = heat_pad + heat_label * 1.25 + 8 + name_width + heat_gap + heat_tick;
    if (h.rotate_x) left = std::max(left, heat_pad + name_width * std::numbers::sqrt2 / 2 - cell / 2);
    const double top = heat_pad + heat_title * 1.25 + 12;
    h.bar_width = std::max(16.0, std::round(grid / 20));
    h.bar_left = std::round(left + grid + std::max(20.0, grid / 25));
    const double right = h.bar_left + h.bar_width + heat_tick + heat_gap + tick_width + heat_pad;
    const double bottom = top + grid + heat_tick + heat_gap + x_names + 10 + heat_label * 1.25 + heat_pad;
    h.layout = {static_cast<int>(std::ceil(right)), static_cast<int>(std::ceil(bottom)), std::round(left), top, cell};
    return h;
}

Context scratch_context(Surface& surface) {
    surface.reset(cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1));
    return Context(cairo_create(surface.get()));
}

void draw_heatmap(cairo_t* cr, const Heatmap& h, const HeatValues& shown, const std::vector<std::string>& names,
                  const std::string& title) {
    const size_t n = names.size();
    const auto [width, height, left, top, cell] = h.layout;
    const double grid = cell * static_cast<double>(n), bottom = top + grid;
    const auto colour_of = [&](double v) { return blues(h.high > h.low ? (v - h.low) / (h.high - h.low) : 0); };

    // Counts in the cells, fitted to the widest one; left out when cells are too small to read them.
    set_font(cr, std::min(14.0, cell * 0.3));
    double widest = 0;
    for (const std::string& text : shown.texts) widest = std::max(widest, text_width(cr, text));
    const double annot = std::min(14.0, cell * 0.3) * std::min(1.0, 0.85 * cell / std::max(1.0, widest));
    for (size_t r = 0; r < n; ++r) {
        for (size_t c = 0; c < n; ++c) {
            const double v = shown.values[r * n + c];
            const Rgb fill = colour_of(v);
            const double x = left + static_cast<double>(c) * cell, y = top + static_cast<double>(r) * cell;
            cairo_set_source_rgb(cr, fill.r, fill.g, fill.b);
            cairo_rectangle(cr, x, y, cell, cell);
            cairo_fill(cr);
            if (annot < 6) continue;
            const double ink = relative_luminance(fill) > 0.408 ? 0.15 : 1.0;
            cairo_set_source_rgb(cr, ink, ink, ink);
            set_font(cr, annot);
            draw_text(cr, shown.texts[r * n + c], x + cell / 2, y + cell / 2, Anchor::middle, Anchor::middle);
        }
    }

    // Tick marks and class names: predictions along x, true labels along y.
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, 1);
    for (size_t i = 0; i < n; ++i) {
        const double centre = std::floor(static_cast<double>(i) * cell + cell / 2) + 0.5;
        cairo_move_to(cr, left + centre, bottom);
        cairo_line_to(cr, left + centre, bottom + heat_tick);
        cairo_move_to(cr, left, top + centre);
        cairo_line_to(cr, left - heat_tick, top + centre);
    }
    cairo_stroke(cr);
    set_font(cr, heat_names);
    const double line = heat_names * 1.25;
    for (size_t i = 0; i < n; ++i) {
        const double centre = static_cast<double>(i) * cell + cell / 2;
        if (h.rotate_x) {
            // plt.xticks(rotation=45, ha="right"): the name ends at its tick and runs down to the left.
            draw_text(cr, names[i], left + centre + line * 0.25, bottom + heat_tick + heat_gap + line * 0.3,
                      Anchor::end, Anchor::middle, -std::numbers::pi / 4);
        } else {
            draw_text(cr, names[i], left + centre, bottom + heat_tick + heat_gap, Anchor::middle, Anchor::start);
        }
        draw_text(cr, names[i], left - heat_tick - heat_gap, top + centre, Anchor::end, Anchor::middle);
    }

    // The colour bar: the same scale bottom (fewest) to top (most), ticked on the right, no outline (as seaborn).
    cairo_pattern_t* gradient = cairo_pattern_create_linear(0, bottom, 0, top);
    for (int k = 0; k <= 8; ++k) {
        const Rgb c = blues(k / 8.0);
        cairo_pattern_add_color_stop_rgb(gradient, k / 8.0, c.r, c.g, c.b);
    }
    cairo_rectangle(cr, h.bar_left, top, h.bar_width, grid);
    cairo_set_source(cr, gradient);
    cairo_fill(cr);
    cairo_pattern_destroy(gradient);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    for (double t : h.ticks) {
        const double y = std::floor(bottom - (t - h.low) / (h.high - h.low) * grid) + 0.5;
        cairo_move_to(cr, h.bar_left + h.bar_width, y);
        cairo_line_to(cr, h.bar_left + h.bar_width + heat_tick, y);
        cairo_stroke(cr);
        draw_text(cr, tick_label(t, h.tick_step), h.bar_left + h.bar_width + heat_tick + heat_gap, y, Anchor::start,
                  Anchor::middle);
    }

    set_font(cr, heat_label);
    draw_text(cr, "Predicted Labels", left + grid / 2, height - heat_pad, Anchor::middle, Anchor::end);
    draw_text(cr, "True Labels", heat_pad, top + grid / 2, Anchor::middle, Anchor::start, -std::numbers::pi / 2);
    set_font(cr, heat_title);
    const double fit = std::min(1.0, (width - 2 * heat_pad) / std::max(1.0, text_width(cr, title)));
    set_font(cr, heat_title * fit);
    const double half = text_width(cr, title) / 2;
    draw_text(cr, title,
              std::clamp(left + grid / 2, heat_pad + half, std::max(heat_pad + half, width - heat_pad - half)),
              heat_pad, Anchor::middle, Anchor::start);
}

}  // namespace

std::vector<LineChart> training_curve_panels(const History& history) {
    const auto& keys = history.keys();
    const auto has = [&](const std::string& key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); };
    // Loss and accuracy first, whatever order they were logged in; then every other metric; the learning rate last.
    std::vector<std::string> metrics;
    const auto add = [&](const std::string& m) {
        if (std::find(metrics.begin(), metrics.end(), m) == metrics.end()) metrics.push_back(m);
    };
    for (const std::string m : {"loss", "accuracy"}) {
        if (has(m) || has("val_" + m)) add(m);
    }
    for (const auto& key : keys) {
        if (key != "learning_rate") add(key.starts_with("val_") ? key.substr(4) : key);
    }
    if (metrics.empty() && !has("learning_rate")) {
        throw Error("training curves: the history has no metrics; train for at least one epoch first");
    }
    std::vector<double> epochs;
    for (int e : history.epochs()) epochs.push_back(e + 1.0);

    std::vector<LineChart> panels;
    for (const auto& m : metrics) {
        std::string words = m;
        std::replace(words.begin(), words.end(), '_', ' ');
        LineChart chart{.title = "Model " + words, .x_label = "Epoch", .y_label = humanize(m), .integer_x = true};
        if (has(m)) chart.series.push_back({.label = "train", .x = epochs, .y = history.values(m), .colour = 0});
        if (has("val_" + m)) {
            chart.series.push_back({.label = "validation", .x = epochs, .y = history.values("val_" + m), .colour = 1});
        }
        panels.push_back(std::move(chart));
    }
    if (has("learning_rate")) {
        const auto& lr = history.values("learning_rate");
        double low = INFINITY, high = -INFINITY;
        for (double v : lr) {
            if (std::isfinite(v) && v > 0) low = std::min(low, v), high = std::max(high, v);
        }
        // A schedule that falls by more than a decade reads better on a log axis (each step an equal drop).
        panels.push_back({.title = "Learning rate",
                          .x_label = "Epoch",
                          .y_label = "Learning rate",
                          .series = {{.x = epochs, .y = lr, .colour = 2}},
                          .log_y = high > 10 * low,
                          .integer_x = true});
    }
    return panels;
}

std::string render_training_curves(const History& history, FigureFormat format) {
    const std::vector<LineChart> panels = training_curve_panels(history);
    constexpr int panel = 400;
    const int columns = std::min<int>(3, static_cast<int>(panels.size()));
    const int rows = (static_cast<int>(panels.size()) + columns - 1) / columns;
    Canvas canvas(format, panel * columns, panel * rows);
    for (size_t i = 0; i < panels.size(); ++i) {
        const double x = static_cast<double>(static_cast<int>(i) % columns) * panel;
        const double y = static_cast<double>(static_cast<int>(i) / columns) * panel;
        draw_line_chart(canvas.cr(), panels[i], {x, y, panel, panel});
    }
    return canvas.finish("Training curves");
}

ConfusionMatrixLayout confusion_matrix_layout(const std::vector<int64_t>& counts,
                                              const std::vector<std::string>& class_names, ConfusionValues values) {
    Surface surface;
    Context cr = scratch_context(surface);
    check_confusion_input(counts, class_names);
    return heatmap_geometry(cr.get(), counts, class_names, heat_values(counts, class_names.size(), values)).layout;
}

std::string render_confusion_matrix(const std::vector<int64_t>& counts, const std::vector<std::string>& class_names,
                                    const std::string& title, FigureFormat format, ConfusionValues values) {
    Surface surface;
    Context scratch = scratch_context(surface);
    check_confusion_input(counts, class_names);
    const HeatValues shown = heat_values(counts, class_names.size(), values);
    const Heatmap heatmap = heatmap_geometry(scratch.get(), counts, class_names, shown);
    Canvas canvas(format, heatmap.layout.width, heatmap.layout.height);
    draw_heatmap(canvas.cr(), heatmap, shown, class_names, title);
    return canvas.finish(title);
}

namespace {

LineChart comparison_chart(const std::vector<CurveSeries>& curves, const std::string& title, const std::string& x_label,
                           const std::string& y_label) {
    LineChart chart{.title = title, .x_label = x_label, .y_label = y_label};
    bool whole = true, any = false;
    for (const auto& curve : curves) {
        if (curve.x.size() != curve.y.size()) {
            throw Error("comparison chart '" + title + "': curve '" + curve.label + "' has " +
                        std::to_string(curve.x.size()) + " x values and " + std::to_string(curve.y.size()) +
                        " y values; give one y for every x");
        }
        // Whole-number ticks only when every x is whole (epochs); fractional x (e.g. hours) gets ordinary ticks.
        for (double x : curve.x) {
            if (std::isfinite(x)) any = true, whole = whole && x == std::round(x);
        }
        chart.series.push_back({.label = curve.label,
                                .x = curve.x,
                                .y = curve.y,
                                .band_low = curve.band_low,
                                .band_high = curve.band_high});
    }
    chart.integer_x = any && whole;
    return chart;
}

}  // namespace

std::string render_comparison(const std::vector<CurveSeries>& curves, const std::string& title,
                              const std::string& x_label, const std::string& y_label, FigureFormat format) {
    const LineChart chart = comparison_chart(curves, title, x_label, y_label);
    Canvas canvas(format, 800, 520);
    draw_line_chart(canvas.cr(), chart, {0, 0, 800, 520});
    return canvas.finish(title);
}

std::string render_comparison_panels(const std::vector<ComparisonPanel>& panels, const std::string& x_label,
                                     const std::string& title, FigureFormat format) {
    constexpr int width = 560, height = 460;
    std::vector<LineChart> charts;
    for (const ComparisonPanel& panel : panels)
        charts.push_back(comparison_chart(panel.curves, panel.title, x_label, panel.y_label));
    Canvas canvas(format, width * std::max<int>(1, static_cast<int>(charts.size())), height);
    for (size_t i = 0; i < charts.size(); ++i)
        draw_line_chart(canvas.cr(), charts[i], {static_cast<double>(i) * width, 0, width, height});
    return canvas.finish(title);
}

}  // namespace nnlab
