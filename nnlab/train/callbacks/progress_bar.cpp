// ProgressBar — the per-epoch progress line (Keras: keras/src/callbacks/progbar_logger.py, keras/src/utils/progbar.py).
//
// Follows Keras 3's Progbar.update / _format_time / _estimate_step_duration and ProgbarLogger, with these
// deliberate differences:
//  - Keras decides on its own that it may redraw ("posix" in sys.modules is always true on Linux), so its
//    log files fill with "\b", "\r" and colour codes. Here the caller says whether the stream is live; when
//    it is not, only the final line of each epoch is written, without colour codes.
//  - A live redraw starts with "\r" alone; Keras also writes one "\b" per column first, which a terminal
//    does not need.
//  - The last step of an epoch is always drawn (Keras may skip it within its 0.05 s interval), so the bar
//    reads full while validation runs.
//  - Values are printed "%.4e" at |v| <= 1e-3 in verbose 2 as in verbose 1; Keras's verbose-2 branch tests
//    v > 1e-3 without abs(), which would print a negative value in exponent form.
//  - The final line prints the epoch logs in their own order; Keras keeps the order in which it first saw
//    each key, which is the same for fit()'s logs (batch keys are a prefix of the epoch keys).
//  - Values are shown as fit() reports them. Keras 3 (before keras-team/keras#23030) averaged the running
//    means once more while the epoch ran; its final line showed the logs as they are, as here.
#include "nnlab/train/callbacks/progress_bar.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string_view>
#include <utility>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

constexpr double kInterval = 0.05;           // Keras Progbar's `interval`: at most one redraw per 50 ms
constexpr int kBarWidth = 20;                // Keras 3 Progbar's `width`
constexpr std::string_view kBarGlyph = "━";  // U+2501, one column

// The ANSI codes Keras 3 writes: step count and time in bold, the done part green, the rest white.
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kGreen = "\x1b[32m";
constexpr std::string_view kWhite = "\x1b[37m";
constexpr std::string_view kReset = "\x1b[0m";

double steady_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string paint(std::string_view code, const std::string& text, bool colour) {
    if (!colour) return text;
    std::string out(code);
    out += text;
    out += kReset;
    return out;
}

std::string repeat(std::string_view glyph, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) out += glyph;
    return out;
}

// Columns a line takes on screen: UTF-8 code points, not counting "\x1b[…m" colour codes.
std::size_t display_width(std::string_view line) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\x1b') {
            while (i < line.size() && line[i] != 'm') ++i;
            continue;
        }
        if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++width;
    }
    return width;
}

// The line cut to at most `columns` on screen, colour codes kept whole and closed: a redrawn line wider than the
// terminal would wrap, and "\r" then redraws only its last row, leaving a new line behind at every step.
std::string cut_to_width(const std::string& line, std::size_t columns) {
    if (display_width(line) <= columns) return line;
    std::string out;
    std::size_t width = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\x1b') {
            const std::size_t end = line.find('m', i);
            out += line.substr(i, end == std::string::npos ? std::string::npos : end - i + 1);
            if (end == std::string::npos) break;
            i = end;
            continue;
        }
        const bool starts_character = (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;
        if (starts_character && width++ == columns) break;
        out += line[i];
    }
    return out + (out.find('\x1b') != std::string::npos ? std::string(kReset) : "");
}

// "123/782", the count right-aligned to the target's digits (Keras: "%{numdigits}d/%d").
std::string format_count(int64_t current, int64_t target) {
    char buf[64];
    if (target > 0) {
        const int digits = static_cast<int>(std::to_string(target).size());
        std::snprintf(buf, sizeof buf, "%*lld/%lld", digits, static_cast<long long>(current),
                      static_cast<long long>(target));
    } else {
        std::snprintf(buf, sizeof buf, "%7lld/Unknown", static_cast<long long>(current));
    }
    return buf;
}

// Keras truncates each field ("%d" of a float); thresholds are strict, so exactly 60 s reads "60s".
std::string format_eta(double eta) {
    const auto s = static_cast<long long>(eta);
    char buf[64];
    if (eta > 3600) {
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s % 3600) / 60, s % 60);
    } else if (eta > 60) {
        std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%llds", s);
    }
    return buf;
}

std::string format_seconds(double seconds) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0fs", seconds);
    return buf;
}

// " 3ms/step" (Keras: Progbar._format_time); zero, before any step has ended, reads " 0s/step".
std::string format_step_time(double per_step) {
    char buf[64];
    if (per_step >= 1 || per_step == 0) {
        std::snprintf(buf, sizeof buf, " %.0fs/step", per_step);
    } else if (per_step >= 1e-3) {
        std::snprintf(buf, sizeof buf, " %.0fms/step", per_step * 1e3);
    } else {
        std::snprintf(buf, sizeof buf, " %.0fus/step", per_step * 1e6);
    }
    return buf;
}

// Keras's metrics are float32, so it formats float32 values: a learning rate of 0.001 is 0.0010000000475
// there, above the 1e-3 threshold, and shows as "0.0010". Rounding to float32 first prints what Keras prints.
std::string format_value(double value) {
    const double v = static_cast<float>(value);
    char buf[64];
    std::snprintf(buf, sizeof buf, std::abs(v) > 1e-3 ? "%.4f" : "%.4e", v);
    return buf;
}

std::string format_logs(const Logs& logs) {
    std::string out;
    for (const auto& [key, value] : logs.entries()) out += " - " + key + ": " + format_value(value);
    return out;
}

}  // namespace

ProgressBar::ProgressBar(std::ostream& out, Options options, Clock clock)
    : out_(out), options_(options), clock_(clock ? std::move(clock) : Clock(steady_seconds)) {
    if (options_.verbose < 0 || options_.verbose > 2) {
        throw Error("ProgressBar: verbose: expected 0 (silent), 1 (progress bar) or 2 (one line per epoch), found " +
                    std::to_string(options_.verbose));
    }
}

void ProgressBar::on_train_begin(const TrainPlan& plan) {
    epochs_ = plan.epochs;
    target_ = plan.steps_per_epoch > 0 ? plan.steps_per_epoch : 0;
}

void ProgressBar::on_epoch_begin(int epoch) {
    seen_ = 0;
    epoch_start_ = clock_();
    after_first_step_.reset();
    last_draw_.reset();
    drawn_width_ = 0;
    // Keras says which epoch only when there is more than one.
    if (options_.verbose != 0 && epochs_ > 1) {
        write("Epoch " + std::to_string(epoch + 1) + "/" + std::to_string(epochs_) + "\n");
    }
}

void ProgressBar::on_batch_end(int64_t batch, const Logs& logs) {
    seen_ = batch + 1;
    // Verbose 2 ignores batches, as Keras's ProgbarLogger does; its step time is then elapsed / steps.
    if (options_.verbose != 1) return;
    const double now = clock_();
    const double per_step = step_duration(seen_, now);
    if (!options_.live) return;
    const bool last_step = seen_ == target_;
    if (last_draw_ && now - *last_draw_ < kInterval && !last_step) return;
    // An unknown target shows the time so far instead of an ETA, as Keras does.
    const std::string time_field =
        target_ > 0 ? format_eta(per_step * static_cast<double>(target_ - seen_)) : format_seconds(now - epoch_start_);
    draw(bar_line(seen_, time_field, per_step, logs), false);
    last_draw_ = now;
}

void ProgressBar::on_epoch_end(int, const Logs& logs) {
    if (options_.verbose == 0) return;
    if (target_ == 0) target_ = seen_;  // learnt from the first epoch, as Keras's ProgbarLogger does
    const double now = clock_();
    const double per_step = step_duration(target_, now);
    const std::string elapsed = format_seconds(now - epoch_start_);
    if (options_.verbose == 1) {
        draw(bar_line(target_, elapsed, per_step, logs), true);
    } else {
        write(format_count(target_, target_) + " - " + elapsed + " -" + format_step_time(per_step) + format_logs(logs) +
              "\n");
    }
}

// Keras: Progbar._estimate_step_duration — the first step (graph building, cold caches) is left out of
// the estimate once a later step has ended.
double ProgressBar::step_duration(int64_t current, double now) {
    if (current == 0) return 0.0;
    const double per_step = after_first_step_ && current > 1
                                ? (now - *after_first_step_) / static_cast<double>(current - 1)
                                : (now - epoch_start_) / static_cast<double>(current);
    if (current == 1) after_first_step_ = now;
    return per_step;
}

std::string ProgressBar::bar_line(int64_t current, const std::string& time_field, double per_step,
                                  const Logs& logs) const {
    const bool colour = options_.live;
    std::string line;
    if (target_ > 0) {
        line = paint(kBold, format_count(current, target_), colour) + " ";
        const double progress = std::min(1.0, static_cast<double>(current) / static_cast<double>(target_));
        const int done = static_cast<int>(kBarWidth * progress);
        if (done > 0) line += paint(kGreen, repeat(kBarGlyph, done), colour);
        line += paint(kWhite, repeat(kBarGlyph, kBarWidth - done), colour);
    } else {
        line = format_count(current, 0);
    }
    line += " " + paint(kBold, time_field, colour);
    line += format_step_time(per_step) + format_logs(logs);
    return line;
}

void ProgressBar::draw(const std::string& line, bool last) {
    if (!options_.live) {
        write(line + "\n");
        return;
    }
    // The final line may wrap (a new line follows it); one still to be redrawn must fit on one row.
    const std::string shown =
        !last && options_.columns > 0 ? cut_to_width(line, static_cast<std::size_t>(options_.columns - 1)) : line;
    const std::size_t width = display_width(shown);
    std::string text = "\r" + shown;
    if (drawn_width_ > width) text.append(drawn_width_ - width, ' ');
    drawn_width_ = width;
    if (last) text += "\n";
    write(text);
}

void ProgressBar::write(const std::string& text) {
    out_ << text;
    out_.flush();
}

}  // namespace nnlab
