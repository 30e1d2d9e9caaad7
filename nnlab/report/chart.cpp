// Line charts drawn on a cairo context in matplotlib's look (pyplot.plot + grid + legend), shared by the figures.
#include "nnlab/report/chart.hpp"

#include <cairo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>
#include <string_view>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

constexpr const char* font_family = "DejaVu Sans";
// Pixel sizes of matplotlib's defaults (10 pt text, 12 pt title) scaled to charts a little smaller than its 640 px.
constexpr double title_size = 16, label_size = 14, tick_size = 12, legend_size = 12;
constexpr double pad = 10, tick_length = 4, tick_gap = 4;
constexpr double line_width = 2;
constexpr std::string_view minus = "\u2212";  // matplotlib's tick labels use a real minus sign, not a hyphen

// A 1 px line on a whole pixel coordinate is smeared over two pixels; half a pixel over, it is one sharp pixel.
double crisp(double v) {
    return std::floor(v) + 0.5;
}

std::string with_minus(std::string text) {
    if (!text.empty() && text[0] == '-') text.replace(0, 1, minus);
    return text;
}

// The smallest 1-2-5 × 10^k step that puts at most `target` ticks inside [low, high] (MaxNLocator's idea).
double nice_step(double low, double high, int target, double min_step) {
    double magnitude = std::pow(10.0, std::floor(std::log10((high - low) / std::max(target, 1)))) / 10;
    for (int decade = 0; decade < 4; ++decade, magnitude *= 10) {
        for (double m : {1.0, 2.0, 5.0}) {
            const double step = std::max(m * magnitude, min_step);
            const double count = std::floor(high / step + 1e-9) - std::ceil(low / step - 1e-9) + 1;
            if (count <= std::max(target, 1)) return step;
        }
    }
    return std::max(magnitude, min_step);
}

struct Tick {
    double position;          // in axis units (log10 of the value on a log axis)
    std::string text;         // the label, or the base "10" of a power
    std::string superscript;  // the exponent of a power of ten
    bool major = true;        // minor ticks are shorter and have no grid line
};

// An axis maps data (log10 of it on a log axis) in [low, high] onto pixels [from, to].
struct Axis {
    double low = 0, high = 1;
    double from = 0, to = 1;
    bool log = false;
    double unit(double value) const { return log ? std::log10(value) : value; }
    double pixel(double position) const { return from + (position - low) / (high - low) * (to - from); }
};

struct Range {
    double low, high;
};

bool drawable(double x, double y, bool log_y) {
    return std::isfinite(x) && std::isfinite(y) && (!log_y || y > 0);
}

// The range of the drawable points (log10 of y on a log axis), with matplotlib's 5 % margins; a single value is
// widened so the axis still has a scale.
std::optional<std::pair<Range, Range>> data_ranges(const LineChart& chart) {
    Range x{INFINITY, -INFINITY}, y{INFINITY, -INFINITY};
    for (const auto& s : chart.series) {
        for (size_t i = 0; i < s.x.size(); ++i) {
            if (!drawable(s.x[i], s.y[i], chart.log_y)) continue;
            const double yv = chart.log_y ? std::log10(s.y[i]) : s.y[i];
            x = {std::min(x.low, s.x[i]), std::max(x.high, s.x[i])};
            y = {std::min(y.low, yv), std::max(y.high, yv)};
            if (i < s.band_low.size() && i < s.band_high.size()) {
                for (double edge : {s.band_low[i], s.band_high[i]}) {
                    if (!drawable(s.x[i], edge, chart.log_y)) continue;
                    const double ev = chart.log_y ? std::log10(edge) : edge;
                    y = {std::min(y.low, ev), std::max(y.high, ev)};
                }
            }
        }
    }
    if (!(x.low <= x.high)) return std::nullopt;
    const auto widen = [](Range r, double singular_pad) {
        if (r.high - r.low <= 1e-12 * std::max(1.0, std::abs(r.low))) {
            const double p = singular_pad > 0 ? singular_pad : (r.low == 0 ? 1 : 0.1 * std::abs(r.low));
            return Range{r.low - p, r.high + p};
        }
        const double margin = 0.05 * (r.high - r.low);
        return Range{r.low - margin, r.high + margin};
    };
    return std::pair{widen(x, chart.integer_x ? 1 : 0), widen(y, chart.log_y ? 0.5 : 0)};
}

std::vector<Tick> linear_ticks(const Axis& axis, int target, double min_step) {
    const double step = nice_step(axis.low, axis.high, target, min_step);
    std::vector<Tick> ticks;
    for (double v : nice_ticks(axis.low, axis.high, target, min_step)) ticks.push_back({v, tick_label(v, step), ""});
    return ticks;
}

// Decades labelled 10ⁿ (every k-th when there are many); minor ticks at 2…9 × 10ⁿ, with 2 and 5 labelled too
// when fewer than two decades are in view, so the axis is never left with one label or none.
std::vector<Tick> log_ticks(const Axis& axis, int target) {
    const int first = static_cast<int>(std::ceil(axis.low - 1e-9)),
              last = static_cast<int>(std::floor(axis.high + 1e-9));
    const int stride = std::max(1, static_cast<int>(std::ceil((last - first + 1) / static_cast<double>(target))));
    std::vector<Tick> ticks;
    for (int e = first; e <= last; ++e) {
        if ((e - first) % stride == 0) ticks.push_back({static_cast<double>(e), "10", with_minus(std::to_string(e))});
    }
    const bool label_minor = ticks.size() < 2;
    for (int e = static_cast<int>(std::floor(axis.low)); e <= static_cast<int>(std::ceil(axis.high)); ++e) {
        for (int m = 2; m <= 9; ++m) {
            const double position = e + std::log10(m);
            if (position < axis.low || position > axis.high) continue;
            const double value = m * std::pow(10.0, e);
            const bool labelled = label_minor && (m == 2 || m == 5);
            ticks.push_back({position, labelled ? tick_label(value, std::pow(10.0, e)) : "", "", labelled});
        }
    }
    return ticks;
}

// A tick label's width: the text, plus the exponent in a smaller font for powers of ten.
double tick_text_width(cairo_t* cr, const Tick& tick) {
    set_font(cr, tick_size);
    double width = text_width(cr, tick.text);
    if (!tick.superscript.empty()) {
        set_font(cr, 0.7 * tick_size);
        width += text_width(cr, tick.superscript);
    }
    return width;
}

void draw_tick_text(cairo_t* cr, const Tick& tick, double x, double y, Anchor horizontal, Anchor vertical) {
    const double width = tick_text_width(cr, tick);
    const double left = horizontal == Anchor::start ? x : horizontal == Anchor::middle ? x - width / 2 : x - width;
    set_font(cr, tick_size);
    draw_text(cr, tick.text, left, y, Anchor::start, vertical);
    if (tick.superscript.empty()) return;
    const double base = text_width(cr, tick.text);
    set_font(cr, 0.7 * tick_size);
    draw_text(cr, tick.superscript, left + base, y - 0.45 * tick_size, Anchor::start, vertical);
}

// The series as pixels: drawable points, and a few points along each segment between two of them, so the legend
// can be placed where it hides the least of the lines.
std::vector<std::pair<double, double>> covered_pixels(const LineChart& chart, const Axis& x_axis, const Axis& y_axis) {
    std::vector<std::pair<double, double>> pixels;
    for (const auto& s : chart.series) {
        for (size_t i = 0; i < s.x.size(); ++i) {
            if (!drawable(s.x[i], s.y[i], chart.log_y)) continue;
            const double px = x_axis.pixel(s.x[i]), py = y_axis.pixel(y_axis.unit(s.y[i]));
            pixels.emplace_back(px, py);
            if (i + 1 < s.x.size() && drawable(s.x[i + 1], s.y[i + 1], chart.log_y)) {
                const double qx = x_axis.pixel(s.x[i + 1]), qy = y_axis.pixel(y_axis.unit(s.y[i + 1]));
                for (int k = 1; k < 8; ++k) pixels.emplace_back(px + (qx - px) * k / 8, py + (qy - py) * k / 8);
            }
        }
    }
    return pixels;
}

// matplotlib's legend(loc="best"): of the four corners, the one covering the fewest points of the lines.
void draw_legend(cairo_t* cr, const LineChart& chart, const Axis& x_axis, const Axis& y_axis) {
    std::vector<size_t> entries;
    for (size_t i = 0; i < chart.series.size(); ++i) {
        if (!chart.series[i].label.empty()) entries.push_back(i);
    }
    if (entries.empty()) return;
    set_font(cr, legend_size);
    double text = 0;
    for (size_t i : entries) text = std::max(text, text_width(cr, chart.series[i].label));
    constexpr double inner = 7, sample = 26, inset = 8;
    const double row = legend_size * 1.5;
    const double width = inner + sample + 7 + text + inner,
                 height = 2 * inner + row * static_cast<double>(entries.size());
    const double left = x_axis.from + inset, right = x_axis.to - inset - width;
    const double top = y_axis.to + inset, bottom = y_axis.from - inset - height;
    const std::array<std::pair<double, double>, 4> corners{
        {{right, top}, {left, top}, {left, bottom}, {right, bottom}}};
    const auto pixels = covered_pixels(chart, x_axis, y_axis);
    size_t best = 0, best_count = SIZE_MAX;
    for (size_t c = 0; c < corners.size(); ++c) {
        // Plain locals: clang 14 cannot capture structured bindings in a lambda.
        const double cx = corners[c].first, cy = corners[c].second;
        const auto count = static_cast<size_t>(std::count_if(pixels.begin(), pixels.end(), [&](const auto& p) {
            return p.first >= cx && p.first <= cx + width && p.second >= cy && p.second <= cy + height;
        }));
        if (count < best_count) best = c, best_count = count;
    }
    const double lx = std::round(corners[best].first), ly = std::round(corners[best].second);
    // matplotlib's frame: white at 80 % opacity, light grey edge, rounded corners.
    constexpr double radius = 4;
    cairo_new_sub_path(cr);
    cairo_arc(cr, lx + width - radius, ly + radius, radius, -std::numbers::pi / 2, 0);
    cairo_arc(cr, lx + width - radius, ly + height - radius, radius, 0, std::numbers::pi / 2);
    cairo_arc(cr, lx + radius, ly + height - radius, radius, std::numbers::pi / 2, std::numbers::pi);
    cairo_arc(cr, lx + radius, ly + radius, radius, std::numbers::pi, 3 * std::numbers::pi / 2);
    cairo_close_path(cr);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    for (size_t k = 0; k < entries.size(); ++k) {
        const auto& s = chart.series[entries[k]];
        const Rgb colour = tab10(s.colour.value_or(entries[k]));
        const double y = ly + inner + row * (static_cast<double>(k) + 0.5);
        cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
        cairo_set_line_width(cr, line_width);
        cairo_move_to(cr, lx + inner, y);
        cairo_line_to(cr, lx + inner + sample, y);
        cairo_stroke(cr);
        if (s.markers) {
            cairo_arc(cr, lx + inner + sample / 2, y, 3.5, 0, 2 * std::numbers::pi);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        set_font(cr, legend_size);
        draw_text(cr, s.label, lx + inner + sample + 7, y, Anchor::start, Anchor::middle);
    }
}

void draw_series(cairo_t* cr, const LineChart& chart, const Axis& x_axis, const Axis& y_axis) {
    cairo_save(cr);
    cairo_rectangle(cr, x_axis.from, y_axis.to, x_axis.to - x_axis.from, y_axis.from - y_axis.to);
    cairo_clip(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    // Bands first, so that every line is drawn over them: one quadrilateral per segment whose ends are drawable.
    for (size_t si = 0; si < chart.series.size(); ++si) {
        const auto& s = chart.series[si];
        if (s.band_low.size() != s.x.size() || s.band_high.size() != s.x.size()) continue;
        const Rgb colour = tab10(s.colour.value_or(si));
        cairo_set_source_rgba(cr, colour.r, colour.g, colour.b, 0.2);
        const auto edge = [&](size_t i, double v) {
            return std::pair{x_axis.pixel(s.x[i]), y_axis.pixel(y_axis.unit(v))};
        };
        const auto fine = [&](size_t i) {
            return drawable(s.x[i], s.band_low[i], chart.log_y) && drawable(s.x[i], s.band_high[i], chart.log_y);
        };
        for (size_t i = 0; i + 1 < s.x.size(); ++i) {
            if (!fine(i) || !fine(i + 1)) continue;
            const auto [x0, low0] = edge(i, s.band_low[i]);
            const auto [x1, low1] = edge(i + 1, s.band_low[i + 1]);
            cairo_move_to(cr, x0, low0);
            cairo_line_to(cr, x1, low1);
            cairo_line_to(cr, x1, edge(i + 1, s.band_high[i + 1]).second);
            cairo_line_to(cr, x0, edge(i, s.band_high[i]).second);
            cairo_close_path(cr);
            cairo_fill(cr);
        }
    }
    for (size_t si = 0; si < chart.series.size(); ++si) {
        const auto& s = chart.series[si];
        const Rgb colour = tab10(s.colour.value_or(si));
        cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
        cairo_set_line_width(cr, line_width);
        const auto ok = [&](size_t i) { return i < s.x.size() && drawable(s.x[i], s.y[i], chart.log_y); };
        const auto at = [&](size_t i) { return std::pair{x_axis.pixel(s.x[i]), y_axis.pixel(y_axis.unit(s.y[i]))}; };
        // A gap (NaN, inf) breaks the line, as matplotlib does, instead of joining across it.
        for (size_t i = 0; i < s.x.size(); ++i) {
            if (!ok(i)) continue;
            const auto [px, py] = at(i);
            if (i > 0 && ok(i - 1))
                cairo_line_to(cr, px, py);
            else
                cairo_move_to(cr, px, py);
        }
        cairo_stroke(cr);
        for (size_t i = 0; i < s.x.size(); ++i) {
            const bool isolated = !(i > 0 && ok(i - 1)) && !ok(i + 1);
            if (!ok(i) || !(s.markers || isolated)) continue;
            const auto [px, py] = at(i);
            cairo_new_sub_path(cr);
            cairo_arc(cr, px, py, 3.5, 0, 2 * std::numbers::pi);
            cairo_fill(cr);
        }
    }
    cairo_restore(cr);
}

}  // namespace

Rgb tab10(size_t index) {
    static constexpr std::array<uint32_t, 10> palette{0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                                      0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
    const uint32_t c = palette[index % palette.size()];
    return {((c >> 16) & 255) / 255.0, ((c >> 8) & 255) / 255.0, (c & 255) / 255.0};
}

std::vector<double> nice_ticks(double low, double high, int target, double min_step) {
    if (!std::isfinite(low) || !std::isfinite(high) || !(high > low)) return {};
    const double step = nice_step(low, high, target, min_step);
    std::vector<double> ticks;
    // Whole multiples of the step, so 0.1 + 0.2 never shows up as 0.30000000000000004.
    for (double k = std::ceil(low / step - 1e-9); k * step <= high + 1e-9 * step && ticks.size() < 1000; ++k) {
        ticks.push_back(k == 0 ? 0.0 : k * step);
    }
    return ticks;
}

std::string tick_label(double value, double step) {
    if (std::abs(value) < std::abs(step) * 1e-6) value = 0;
    char buffer[48];
    const double magnitude = std::max(std::abs(value), std::abs(step));
    if (value != 0 && (std::abs(step) < 1e-4 || magnitude >= 1e6)) {
        const int exponent = static_cast<int>(std::floor(std::log10(std::abs(value))));
        const int digits = std::clamp(exponent - static_cast<int>(std::floor(std::log10(std::abs(step)) + 1e-9)), 0, 6);
        std::snprintf(buffer, sizeof buffer, "%.*e", digits, value);
        // "1.50e-05" → "1.5e-5"
        std::string text = buffer;
        const size_t e = text.find('e');
        std::string mantissa = text.substr(0, e);
        if (mantissa.find('.') != std::string::npos) {
            mantissa.erase(mantissa.find_last_not_of('0') + 1);
            if (mantissa.back() == '.') mantissa.pop_back();
        }
        text = mantissa + "e" + std::to_string(std::stoi(text.substr(e + 1)));
        std::string out;
        for (char c : text) {
            if (c == '-')
                out += minus;
            else
                out += c;
        }
        return out;
    }
    const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(std::abs(step)) + 1e-9)), 0, 10);
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return with_minus(buffer);
}

void set_font(cairo_t* cr, double size, bool bold) {
    cairo_select_font_face(cr, font_family, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

double text_width(cairo_t* cr, const std::string& text) {
    cairo_text_extents_t extents;
    cairo_text_extents(cr, text.c_str(), &extents);
    return extents.x_advance;
}

void draw_text(cairo_t* cr, const std::string& text, double x, double y, Anchor horizontal, Anchor vertical,
               double angle) {
    cairo_font_extents_t font;
    cairo_font_extents(cr, &font);
    const double width = text_width(cr, text);
    const double dx = horizontal == Anchor::start ? 0 : horizontal == Anchor::middle ? -width / 2 : -width;
    // Placed by the font's ascent and descent, not the ink of these glyphs, so a row of labels shares one baseline.
    const double dy = vertical == Anchor::start    ? font.ascent
                      : vertical == Anchor::middle ? (font.ascent - font.descent) / 2
                                                   : -font.descent;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, angle);
    cairo_move_to(cr, dx, dy);
    cairo_show_text(cr, text.c_str());
    cairo_restore(cr);
}

void draw_line_chart(cairo_t* cr, const LineChart& chart, const Box& box) {
    for (const auto& s : chart.series) {
        if (s.x.size() != s.y.size()) {
            throw Error("chart '" + chart.title + "': series '" + s.label + "' has " + std::to_string(s.x.size()) +
                        " x values and " + std::to_string(s.y.size()) + " y values; give one y for every x");
        }
    }
    const auto ranges = data_ranges(chart);
    Axis x_axis, y_axis;
    y_axis.log = chart.log_y;
    if (ranges) {
        x_axis.low = ranges->first.low, x_axis.high = ranges->first.high;
        y_axis.low = ranges->second.low, y_axis.high = ranges->second.high;
    }
    cairo_save(cr);
    const double plot_top = std::round(box.y + pad + (chart.title.empty() ? 0 : title_size * 1.25 + 8));
    const double below =
        tick_length + tick_gap + tick_size * 1.25 + (chart.x_label.empty() ? 0 : label_size * 1.25 + 6);
    const double plot_bottom = std::max(plot_top + 10, std::round(box.y + box.height - pad - below));
    y_axis.from = plot_bottom, y_axis.to = plot_top;
    const int y_target = std::clamp(static_cast<int>(std::lround((plot_bottom - plot_top) / 50)), 3, 8);
    const auto y_ticks = chart.log_y ? log_ticks(y_axis, y_target) : linear_ticks(y_axis, y_target, 0);
    double y_text = 0;
    for (const auto& t : y_ticks) y_text = std::max(y_text, tick_text_width(cr, t));
    const double plot_left =
        std::round(box.x + pad + (chart.y_label.empty() ? 0 : label_size * 1.25 + 6) + y_text + tick_gap + tick_length);
    const double plot_right = std::max(plot_left + 10, std::round(box.x + box.width - pad - 12));
    x_axis.from = plot_left, x_axis.to = plot_right;
    const int x_target = std::clamp(static_cast<int>(std::lround((plot_right - plot_left) / 55)), 3, 8);
    const auto x_ticks = linear_ticks(x_axis, x_target, chart.integer_x ? 1 : 0);

    // Grid under everything, at the major ticks.
    cairo_set_line_width(cr, 1);
    cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
    for (const auto& t : x_ticks) {
        cairo_move_to(cr, crisp(x_axis.pixel(t.position)), plot_top);
        cairo_line_to(cr, crisp(x_axis.pixel(t.position)), plot_bottom);
    }
    for (const auto& t : y_ticks) {
        if (!t.major) continue;
        cairo_move_to(cr, plot_left, crisp(y_axis.pixel(t.position)));
        cairo_line_to(cr, plot_right, crisp(y_axis.pixel(t.position)));
    }
    cairo_stroke(cr);

    draw_series(cr, chart, x_axis, y_axis);
    if (!ranges) {
        cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
        set_font(cr, label_size);
        draw_text(cr, "no data", (plot_left + plot_right) / 2, (plot_top + plot_bottom) / 2, Anchor::middle,
                  Anchor::middle);
    }

    // Spines on all four sides and outward ticks, as matplotlib's default axes.
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, crisp(plot_left), crisp(plot_top), std::round(plot_right - plot_left),
                    std::round(plot_bottom - plot_top));
    for (const auto& t : x_ticks) {
        cairo_move_to(cr, crisp(x_axis.pixel(t.position)), crisp(plot_bottom));
        cairo_line_to(cr, crisp(x_axis.pixel(t.position)), crisp(plot_bottom) + tick_length);
    }
    for (const auto& t : y_ticks) {
        cairo_move_to(cr, crisp(plot_left), crisp(y_axis.pixel(t.position)));
        cairo_line_to(cr, crisp(plot_left) - (t.major ? tick_length : tick_length / 2),
                      crisp(y_axis.pixel(t.position)));
    }
    cairo_stroke(cr);
    for (const auto& t : x_ticks) {
        draw_tick_text(cr, t, x_axis.pixel(t.position), plot_bottom + tick_length + tick_gap, Anchor::middle,
                       Anchor::start);
    }
    for (const auto& t : y_ticks) {
        if (!t.text.empty())
            draw_tick_text(cr, t, plot_left - tick_length - tick_gap, y_axis.pixel(t.position), Anchor::end,
                           Anchor::middle);
    }

    set_font(cr, label_size);
    if (!chart.x_label.empty()) {
        draw_text(cr, chart.x_label, (plot_left + plot_right) / 2, box.y + box.height - pad, Anchor::middle,
                  Anchor::end);
    }
    if (!chart.y_label.empty()) {
        draw_text(cr, chart.y_label, box.x + pad, (plot_top + plot_bottom) / 2, Anchor::middle, Anchor::start,
                  -std::numbers::pi / 2);
    }
    if (!chart.title.empty()) {
        set_font(cr, title_size);
        // A title wider than the panel is shrunk to fit; otherwise it is centred over the axes, as matplotlib does.
        const double fit = std::min(1.0, (box.width - 2 * pad) / std::max(1.0, text_width(cr, chart.title)));
        set_font(cr, title_size * fit);
        const double half = text_width(cr, chart.title) / 2;
        const double low = box.x + pad + half, high = box.x + box.width - pad - half;
        const double centre = low <= high ? std::clamp((plot_left + plot_right) / 2, low, high) : box.x + box.width / 2;
        draw_text(cr, chart.title, centre, box.y + pad, Anchor::middle, Anchor::start);
    }
    draw_legend(cr, chart, x_axis, y_axis);
    cairo_restore(cr);
}

}  // namespace nnlab
