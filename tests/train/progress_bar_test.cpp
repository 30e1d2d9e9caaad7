// Tests for ProgressBar (Keras: ProgbarLogger/Progbar), driven by hand with a fake clock and scripted logs.
#include "nnlab/train/callbacks/progress_bar.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The codes Keras 3 writes around the parts of its bar.
const std::string kBold = "\x1b[1m", kGreen = "\x1b[32m", kWhite = "\x1b[37m", kReset = "\x1b[0m";

std::string glyphs(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "━";
    return s;
}

Logs make_logs(std::initializer_list<std::pair<const char*, double>> entries) {
    Logs logs;
    for (const auto& [key, value] : entries) logs.set(key, value);
    return logs;
}

// The seed's epoch: what fit() passes at the end of epoch 3 of 50 on CIFAR-10 with batch size 64.
Logs seed_epoch_logs() {
    return make_logs({{"accuracy", 0.3694},
                      {"loss", 1.7454},
                      {"val_accuracy", 0.4262},
                      {"val_loss", 1.6131},
                      {"learning_rate", 0.001}});
}

// A ProgressBar writing into a string, with a clock the test moves by hand.
struct Harness {
    std::ostringstream out;
    double now = 0.0;
    ProgressBar bar;

    Harness(int verbose, bool live) : bar(out, {.verbose = verbose, .live = live}, [this] { return now; }) {}

    void batch(int64_t index, double at, const Logs& logs) {
        now = at;
        bar.on_batch_end(index, logs);
    }
};

// Runs one epoch of `steps` batches; step 1 ends at `first`, the others evenly until `last`, and the
// epoch ends at `end`. Returns everything written.
std::string run_epoch(Harness& h, int epochs, int64_t steps, double first, double last, double end,
                      const Logs& final_logs) {
    h.bar.on_train_begin({epochs, steps});
    h.now = 0.0;
    h.bar.on_epoch_begin(epochs > 2 ? 2 : 0);
    for (int64_t b = 0; b < steps; ++b) {
        const double at = steps == 1 ? first : first + (last - first) * static_cast<double>(b) / (steps - 1);
        h.batch(b, at, make_logs({{"accuracy", 0.3}, {"loss", 1.8}}));
    }
    h.now = end;
    h.bar.on_epoch_end(epochs > 2 ? 2 : 0, final_logs);
    return h.out.str();
}

std::vector<std::string> split_redraws(const std::string& s) {
    std::vector<std::string> parts;
    std::size_t begin = 0;
    for (std::size_t cr = s.find('\r'); cr != std::string::npos; cr = s.find('\r', begin)) {
        parts.push_back(s.substr(begin, cr - begin));
        begin = cr + 1;
    }
    parts.push_back(s.substr(begin));
    return parts;
}

// --- verbose 1, not live (a file or a pipe): one plain line per epoch -------------------------------

TEST(ProgressBar, Verbose1NotLiveWritesTheSeedEpochLineByteForByte) {
    Harness h(1, false);
    // Step 1 ends at 5 ms (left out of the estimate), the 781 others by 2.2 s: 2.195 / 781 = 2.8 ms/step.
    const std::string out = run_epoch(h, 50, 782, 0.005, 2.19, 2.2, seed_epoch_logs());
    EXPECT_EQ(out,
              "Epoch 3/50\n"
              "782/782 ━━━━━━━━━━━━━━━━━━━━ 2s 3ms/step - accuracy: 0.3694 - loss: 1.7454 - val_accuracy: 0.4262 - "
              "val_loss: 1.6131 - learning_rate: 0.0010\n");
}

TEST(ProgressBar, Verbose1NotLiveWritesNothingWhileTheEpochRuns) {
    Harness h(1, false);
    h.bar.on_train_begin({5, 10});
    h.bar.on_epoch_begin(0);
    for (int b = 0; b < 10; ++b) h.batch(b, 1.0 * (b + 1), make_logs({{"loss", 1.0}}));
    EXPECT_EQ(h.out.str(), "Epoch 1/5\n");
}

TEST(ProgressBar, NotLiveHasNoCarriageReturnsOrColourCodes) {
    Harness h(1, false);
    const std::string out = run_epoch(h, 3, 300, 0.01, 3.0, 3.1, seed_epoch_logs());
    EXPECT_THAT(out, Not(HasSubstr("\r")));
    EXPECT_THAT(out, Not(HasSubstr("\x1b")));
    EXPECT_THAT(out, Not(HasSubstr("\b")));
}

TEST(ProgressBar, OneEpochRunHasNoEpochLineAsInKeras) {
    Harness h(1, false);
    const std::string out = run_epoch(h, 1, 4, 0.5, 2.0, 2.0, make_logs({{"loss", 0.5}}));
    EXPECT_EQ(out, "4/4 ━━━━━━━━━━━━━━━━━━━━ 2s 500ms/step - loss: 0.5000\n");
}

TEST(ProgressBar, EveryEpochStartsItsOwnLineAndClock) {
    Harness h(1, false);
    h.bar.on_train_begin({2, 2});
    for (int epoch = 0; epoch < 2; ++epoch) {
        const double t0 = 10.0 * epoch;
        h.now = t0;
        h.bar.on_epoch_begin(epoch);
        h.batch(0, t0 + 1.0, make_logs({{"loss", 1.0}}));
        h.batch(1, t0 + 1.5, make_logs({{"loss", 1.0}}));
        h.now = t0 + 1.5;
        h.bar.on_epoch_end(epoch, make_logs({{"loss", 0.25}}));
    }
    EXPECT_EQ(h.out.str(),
              "Epoch 1/2\n2/2 ━━━━━━━━━━━━━━━━━━━━ 2s 500ms/step - loss: 0.2500\n"
              "Epoch 2/2\n2/2 ━━━━━━━━━━━━━━━━━━━━ 2s 500ms/step - loss: 0.2500\n");
}

// --- verbose 1, live (a terminal): the bar redrawn in place ----------------------------------------

TEST(ProgressBar, Verbose1LiveRedrawsInPlaceWithKerasColoursThenWritesTheFinalLine) {
    Harness h(1, true);
    h.bar.on_train_begin({2, 100});
    h.bar.on_epoch_begin(0);
    h.batch(0, 0.5, make_logs({{"accuracy", 0.1}, {"loss", 12.3456}}));   // drawn: the first step
    h.batch(1, 0.52, make_logs({{"accuracy", 0.1}, {"loss", 12.3456}}));  // skipped: 20 ms after the last
    h.batch(49, 3.0, make_logs({{"accuracy", 0.25}, {"loss", 1.2345}}));  // drawn
    h.batch(98, 4.98, make_logs({{"accuracy", 0.3}, {"loss", 1.1}}));     // drawn
    h.batch(99, 5.0, make_logs({{"accuracy", 0.3}, {"loss", 1.1}}));      // drawn: the last step, always
    h.now = 5.4;
    h.bar.on_epoch_end(0, make_logs({{"accuracy", 0.3}, {"loss", 1.1}, {"val_accuracy", 0.35}, {"val_loss", 1.0}}));

    const std::vector<std::string> parts = split_redraws(h.out.str());
    ASSERT_EQ(parts.size(), 6u) << h.out.str();
    EXPECT_EQ(parts[0], "Epoch 1/2\n");
    // Step 1 took 0.5 s: ETA 99 × 0.5 = 49.5 s, shown truncated as Keras's "%ds" does. No step done: no green.
    EXPECT_EQ(parts[1], kBold + "  1/100" + kReset + " " + kWhite + glyphs(20) + kReset + " " + kBold + "49s" + kReset +
                            " 500ms/step - accuracy: 0.1000 - loss: 12.3456");
    // (3.0 - 0.5) / 49 = 51 ms/step, ETA 50 × 0.051 = 2.55 s; half the bar green. The line is 3 columns
    // shorter than the last ("2s", "51ms", "1.2345"), so 3 spaces blank what is left of it.
    EXPECT_EQ(parts[2], kBold + " 50/100" + kReset + " " + kGreen + glyphs(10) + kReset + kWhite + glyphs(10) + kReset +
                            " " + kBold + "2s" + kReset + " 51ms/step - accuracy: 0.2500 - loss: 1.2345   ");
    EXPECT_THAT(parts[4], HasSubstr(kBold + "100/100" + kReset + " " + kGreen + glyphs(20) + kReset + kWhite + kReset +
                                    " " + kBold + "0s" + kReset));
    // The final line: elapsed time instead of the ETA, every log, then a newline.
    EXPECT_EQ(parts[5], kBold + "100/100" + kReset + " " + kGreen + glyphs(20) + kReset + kWhite + kReset + " " +
                            kBold + "5s" + kReset +
                            " 49ms/step - accuracy: 0.3000 - loss: 1.1000 - val_accuracy: 0.3500 - " +
                            "val_loss: 1.0000\n");
}

TEST(ProgressBar, LiveRedrawsAtMostEveryFiftyMilliseconds) {
    Harness h(1, true);
    h.bar.on_train_begin({1, 1000});
    h.bar.on_epoch_begin(0);
    // 30 ms per step: step 2 comes 30 ms after the draw of step 1 and is skipped, step 3 (60 ms) is drawn.
    for (int b = 0; b < 10; ++b) h.batch(b, 0.03 * (b + 1), make_logs({{"loss", 1.0}}));
    const std::vector<std::string> parts = split_redraws(h.out.str());
    ASSERT_EQ(parts.size(), 6u);
    EXPECT_THAT(parts[1], ::testing::StartsWith(kBold + "   1/1000"));
    EXPECT_THAT(parts[2], ::testing::StartsWith(kBold + "   3/1000"));
    EXPECT_THAT(parts[5], ::testing::StartsWith(kBold + "   9/1000"));
}

TEST(ProgressBar, ShowsTheEtaAsKerasFormatsIt) {
    // Two steps: after step 1 the ETA is one step, that is, the time step 1 took.
    const auto eta_after = [](double first_step) {
        Harness h(1, true);
        h.bar.on_train_begin({1, 2});
        h.bar.on_epoch_begin(0);
        h.batch(0, first_step, make_logs({{"loss", 1.0}}));
        return h.out.str();
    };
    EXPECT_THAT(eta_after(45.7), HasSubstr(kBold + "45s" + kReset));
    EXPECT_THAT(eta_after(60.0), HasSubstr(kBold + "60s" + kReset));  // Keras switches above 60 s, not at it
    EXPECT_THAT(eta_after(83.9), HasSubstr(kBold + "1:23" + kReset));
    EXPECT_THAT(eta_after(3723.9), HasSubstr(kBold + "1:02:03" + kReset));
}

// --- verbose 2: one line per epoch, no bar ----------------------------------------------------------

TEST(ProgressBar, Verbose2WritesOneLinePerEpochAsKeras) {
    Harness h(2, true);
    // Keras's verbose 2 never sees the batches, so its step time is elapsed / steps: 2.2 / 782 = 2.8 ms,
    // even though step 1 was slow (verbose 1 would leave it out and show 2ms/step).
    const std::string out = run_epoch(h, 50, 782, 1.0, 2.19, 2.2, seed_epoch_logs());
    EXPECT_EQ(out,
              "Epoch 3/50\n"
              "782/782 - 2s - 3ms/step - accuracy: 0.3694 - loss: 1.7454 - val_accuracy: 0.4262 - val_loss: 1.6131 - "
              "learning_rate: 0.0010\n");
}

// --- verbose 0 ---------------------------------------------------------------------------------------

TEST(ProgressBar, Verbose0WritesNothing) {
    for (bool live : {false, true}) {
        Harness h(0, live);
        EXPECT_EQ(run_epoch(h, 50, 782, 0.005, 2.19, 2.2, seed_epoch_logs()), "");
    }
}

TEST(ProgressBar, RejectsAVerbosityKerasDoesNotHave) {
    std::ostringstream out;
    EXPECT_THROW(ProgressBar(out, {.verbose = 3, .live = false}), Error);
    EXPECT_THROW(ProgressBar(out, {.verbose = -1, .live = false}), Error);
}

// --- formatting of values and step times, read off verbose 2's line ----------------------------------

// The line of a one-epoch run of `steps` steps that ends at `elapsed` seconds with logs {x: value}.
std::string verbose2_line(int64_t steps, double elapsed, double value) {
    Harness h(2, false);
    return run_epoch(h, 1, steps, elapsed, elapsed, elapsed, make_logs({{"x", value}}));
}

std::string shown_value(double value) {
    const std::string line = verbose2_line(1, 0.0, value);
    const std::size_t at = line.find("x: ");
    return at == std::string::npos ? line : line.substr(at + 3, line.size() - at - 4);
}

TEST(ProgressBar, PrintsValuesWithFourDecimalsAboveOneThousandthElseInExponentForm) {
    EXPECT_EQ(shown_value(1.7454), "1.7454");
    EXPECT_EQ(shown_value(0.0010001), "0.0010");
    EXPECT_EQ(shown_value(0.0009999), "9.9990e-04");
    EXPECT_EQ(shown_value(5e-4), "5.0000e-04");  // the seed's learning rate after a decay
    EXPECT_EQ(shown_value(-5e-4), "-5.0000e-04");
    EXPECT_EQ(shown_value(-0.25), "-0.2500");
    EXPECT_EQ(shown_value(0.0), "0.0000e+00");
    // Keras's values are float32: 0.001 is 0.0010000000475 there, above the threshold, so Keras shows
    // "learning_rate: 0.0010"; the float32 just below it is the first one in exponent form.
    EXPECT_EQ(shown_value(0.001), "0.0010");
    EXPECT_EQ(shown_value(std::nextafter(0.001f, 0.0f)), "1.0000e-03");
}

TEST(ProgressBar, PrintsStepTimeInSecondsMillisecondsOrMicroseconds) {
    EXPECT_THAT(verbose2_line(2, 4.0, 1.0), HasSubstr(" - 4s - 2s/step - "));
    EXPECT_THAT(verbose2_line(4, 4.0, 1.0), HasSubstr(" - 4s - 1s/step - "));
    EXPECT_THAT(verbose2_line(1000, 1.0, 1.0), HasSubstr(" - 1s - 1ms/step - "));
    EXPECT_THAT(verbose2_line(100, 0.5, 1.0), HasSubstr(" - 0s - 5ms/step - "));
    EXPECT_THAT(verbose2_line(1000, 0.05, 1.0), HasSubstr(" - 0s - 50us/step - "));
    EXPECT_THAT(verbose2_line(1, 0.0, 1.0), HasSubstr(" - 0s - 0s/step - "));  // Keras: zero reads "0s/step"
}

// --- the rest of Keras's behaviour -------------------------------------------------------------------

TEST(ProgressBar, UnknownStepCountIsLearntFromTheFirstEpoch) {
    Harness h(1, false);
    h.bar.on_train_begin({1, 0});
    h.bar.on_epoch_begin(0);
    for (int b = 0; b < 3; ++b) h.batch(b, 1.0 * (b + 1), make_logs({{"loss", 1.0}}));
    h.now = 3.0;
    h.bar.on_epoch_end(0, make_logs({{"loss", 0.5}}));
    EXPECT_EQ(h.out.str(), "3/3 ━━━━━━━━━━━━━━━━━━━━ 3s 1s/step - loss: 0.5000\n");
}

TEST(ProgressBar, UnknownStepCountShowsElapsedTimeInsteadOfAnEta) {
    Harness h(1, true);
    h.bar.on_train_begin({1, 0});
    h.bar.on_epoch_begin(0);
    h.batch(0, 2.0, make_logs({{"loss", 1.0}}));
    EXPECT_EQ(h.out.str(), "\r      1/Unknown " + kBold + "2s" + kReset + " 2s/step - loss: 1.0000");
}

// Counts flushes, so a test sees that every write reaches the terminal at once.
class FlushCounter : public std::stringbuf {
public:
    int flushes = 0;

protected:
    int sync() override {
        ++flushes;
        return std::stringbuf::sync();
    }
};

TEST(ProgressBar, FlushesAfterEveryWrite) {
    FlushCounter buffer;
    std::ostream out(&buffer);
    double now = 0.0;
    ProgressBar bar(out, {.verbose = 1, .live = true}, [&now] { return now; });
    bar.on_train_begin({2, 2});
    bar.on_epoch_begin(0);
    EXPECT_EQ(buffer.flushes, 1);
    now = 1.0;
    bar.on_batch_end(0, make_logs({{"loss", 1.0}}));
    EXPECT_EQ(buffer.flushes, 2);
    now = 2.0;
    bar.on_epoch_end(0, make_logs({{"loss", 1.0}}));
    EXPECT_EQ(buffer.flushes, 3);
}

// A redrawn line wider than the terminal would wrap, and "\r" would then leave a new line at every redraw: each
// redraw is cut to the terminal's width (colour codes kept whole and closed); the final line is whole.
TEST(ProgressBar, LiveRedrawsFitTheTerminalWidth) {
    std::ostringstream out;
    double now = 0.0;
    ProgressBar bar(out, {.verbose = 1, .live = true, .columns = 40}, [&now] { return now; });
    bar.on_train_begin({1, 10});
    bar.on_epoch_begin(0);
    const Logs logs = make_logs({{"accuracy", 0.25}, {"loss", 1.2345}, {"top_k_accuracy", 0.5}});
    for (int64_t b = 0; b < 10; ++b) {
        now = 0.1 * static_cast<double>(b + 1);
        bar.on_batch_end(b, logs);
    }
    now = 1.5;
    bar.on_epoch_end(0, logs);
    const std::vector<std::string> parts = split_redraws(out.str());
    ASSERT_GE(parts.size(), 3u);
    for (size_t i = 1; i + 1 < parts.size(); ++i) {
        std::string visible;  // the text without colour codes
        for (size_t c = 0; c < parts[i].size(); ++c) {
            if (parts[i][c] == '\x1b') {
                c = parts[i].find('m', c);
                continue;
            }
            visible += parts[i][c];
        }
        size_t columns = 0;
        for (const char c : visible) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        EXPECT_LE(columns, 39u) << parts[i];
        EXPECT_TRUE(parts[i].ends_with(kReset)) << parts[i];
        EXPECT_EQ(parts[i].find('\n'), std::string::npos);
    }
    EXPECT_THAT(parts.back(), HasSubstr("top_k_accuracy: 0.5000\n"));
}

}  // namespace
}  // namespace nnlab
