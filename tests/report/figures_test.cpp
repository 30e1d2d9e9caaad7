// Tests of the figures (training curves, confusion-matrix heatmap, comparisons): the PNGs decode at the promised
// size, the heatmap's colours follow the counts as seaborn's "Blues" does, SVG carries its title, bad input is named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <png.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "nnlab/report/chart.hpp"
#include "nnlab/report/figures.hpp"
#include "nnlab/train/history.hpp"
#include "nnlab/train/logs.hpp"
#include "tests/support/error_message.hpp"

namespace nnlab {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pointwise;
using ::testing::StartsWith;

struct Image {
    int width = 0, height = 0;
    std::vector<uint8_t> rgb;  // row-major, 3 bytes a pixel
    std::array<int, 3> at(double x, double y) const {
        const size_t i = (static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) * 3;
        return {rgb[i], rgb[i + 1], rgb[i + 2]};
    }
};

// Decodes with libpng's simplified API, independently of cairo, which wrote the file.
Image decode_png(const std::string& bytes) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size())) {
        ADD_FAILURE() << "not a PNG: " << image.message;
        return {};
    }
    image.format = PNG_FORMAT_RGB;
    Image decoded{static_cast<int>(image.width), static_cast<int>(image.height),
                  std::vector<uint8_t>(PNG_IMAGE_SIZE(image))};
    if (!png_image_finish_read(&image, nullptr, decoded.rgb.data(), 0, nullptr)) {
        ADD_FAILURE() << "the PNG does not decode: " << image.message;
        return {};
    }
    return decoded;
}

History make_history(int epochs, const std::vector<std::string>& keys) {
    History history;
    for (int e = 0; e < epochs; ++e) {
        Logs logs;
        for (size_t k = 0; k < keys.size(); ++k) {
            const double v = keys[k] == "learning_rate" ? 0.001 * std::pow(0.5, e / 10) : 1.0 / (e + 1 + k);
            logs.set(keys[k], v);
        }
        history.append(e, logs);
    }
    return history;
}

const std::vector<std::string> keras_keys{"accuracy", "loss", "val_accuracy", "val_loss", "learning_rate"};

TEST(TrainingCurves, LossAccuracyAndLearningRateMakeThreePanelsSideBySide) {
    const Image image = decode_png(render_training_curves(make_history(20, keras_keys), FigureFormat::png));
    EXPECT_EQ(image.width, 1200);
    EXPECT_EQ(image.height, 400);
}

TEST(TrainingCurves, PanelsWhoseKeysAreAbsentAreLeftOut) {
    EXPECT_EQ(decode_png(render_training_curves(make_history(3, {"loss"}), FigureFormat::png)).width, 400);
    EXPECT_EQ(
        decode_png(render_training_curves(make_history(3, {"loss", "val_loss", "accuracy"}), FigureFormat::png)).width,
        800);
    // A fourth pair of metrics starts a second row.
    const Image four = decode_png(render_training_curves(
        make_history(3, {"loss", "accuracy", "top_k_accuracy", "val_top_k_accuracy", "learning_rate"}),
        FigureFormat::png));
    EXPECT_EQ(four.width, 1200);
    EXPECT_EQ(four.height, 800);
}

TEST(TrainingCurves, NanAndInfinityInTheHistoryAreGapsNotCrashes) {
    History history;
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    for (int e = 0; e < 6; ++e) {
        Logs logs;
        logs.set("loss", e == 2 ? nan : e == 4 ? inf : 1.0 / (e + 1));
        logs.set("val_loss", nan);  // a column with nothing to draw
        logs.set("learning_rate", e == 1 ? -inf : 0.001);
        history.append(e, logs);
    }
    for (FigureFormat format : {FigureFormat::png, FigureFormat::svg}) {
        std::string bytes;
        ASSERT_NO_THROW(bytes = render_training_curves(history, format));
        EXPECT_FALSE(bytes.empty());
    }
    EXPECT_EQ(decode_png(render_training_curves(history, FigureFormat::png)).width, 800);
}

TEST(TrainingCurves, ALearningRateFallingThroughDecadesIsDrawnOnALogAxis) {
    History history;
    for (int e = 0; e < 40; ++e) {
        Logs logs;
        logs.set("loss", 1.0 / (e + 1));
        logs.set("learning_rate", 1e-2 * std::pow(0.5, e / 4));  // 1e-2 down to ~2e-5
        history.append(e, logs);
    }
    const std::vector<LineChart> panels = training_curve_panels(history);
    ASSERT_EQ(panels.size(), 2u);
    EXPECT_EQ(panels[0].title, "Model loss");
    EXPECT_FALSE(panels[0].log_y);
    EXPECT_EQ(panels[1].title, "Learning rate");
    EXPECT_TRUE(panels[1].log_y);  // 1e-2 → 2e-5 spans more than a decade
    // Within a decade (a constant rate, or one halving) the axis stays linear.
    History flat;
    for (int e = 0; e < 10; ++e) {
        Logs logs;
        logs.set("loss", 1.0);
        logs.set("learning_rate", e < 5 ? 1e-3 : 5e-4);
        flat.append(e, logs);
    }
    EXPECT_FALSE(training_curve_panels(flat).back().log_y);
    const Image image = decode_png(render_training_curves(history, FigureFormat::png));
    EXPECT_EQ(image.width, 800);
    EXPECT_EQ(image.height, 400);
}

TEST(TrainingCurves, AnEmptyHistoryIsAnErrorThatSaysSo) {
    EXPECT_THAT(testing::error_message([] { render_training_curves(History{}, FigureFormat::png); }),
                HasSubstr("no metrics"));
}

// 3×3 with distinct counts; the largest (50) on the diagonal, the smallest (0) off it.
const std::vector<int64_t> small_counts{50, 2, 0, 5, 40, 3, 1, 9, 30};
const std::vector<std::string> small_names{"cat", "dog", "bird"};

TEST(ConfusionMatrix, ImageHasTheSizeOfItsLayoutAndGrowsWithTheClasses) {
    const auto layout = confusion_matrix_layout(small_counts, small_names);
    const Image image = decode_png(render_confusion_matrix(small_counts, small_names, "Confusion", FigureFormat::png));
    EXPECT_EQ(image.width, layout.width);
    EXPECT_EQ(image.height, layout.height);

    const std::vector<std::string> cifar{"airplane", "automobile", "bird",  "cat",  "deer",
                                         "dog",      "frog",       "horse", "ship", "truck"};
    const auto ten = confusion_matrix_layout(std::vector<int64_t>(100, 7), cifar);
    EXPECT_EQ(ten.cell * 10, 600);
    EXPECT_GT(ten.width, layout.width);
    EXPECT_GT(ten.height, layout.height);
    EXPECT_NEAR(ten.width, 900, 120);
    EXPECT_NEAR(ten.height, 750, 120);
    const auto hundred =
        confusion_matrix_layout(std::vector<int64_t>(100 * 100, 1), std::vector<std::string>(100, "c"));
    EXPECT_GT(hundred.cell * 100, 600);
}

TEST(ConfusionMatrix, CellsGetDarkerBlueWithLargerCountsAndTheDarkestHasWhiteText) {
    const auto layout = confusion_matrix_layout(small_counts, small_names);
    const Image image = decode_png(render_confusion_matrix(small_counts, small_names, "Confusion", FigureFormat::png));
    ASSERT_EQ(image.width, layout.width);
    // Background of cell (r, c): near its top edge, away from the centred count.
    const auto background = [&](int r, int c) {
        return image.at(layout.grid_left + (c + 0.5) * layout.cell, layout.grid_top + (r + 0.12) * layout.cell);
    };
    const auto brightness = [](std::array<int, 3> p) { return p[0] + p[1] + p[2]; };
    std::vector<std::pair<int64_t, int>> by_count;
    for (int i = 0; i < 9; ++i) by_count.emplace_back(small_counts[i], brightness(background(i / 3, i % 3)));
    std::sort(by_count.begin(), by_count.end());
    for (size_t i = 1; i < by_count.size(); ++i) {
        EXPECT_LT(by_count[i].second, by_count[i - 1].second)
            << "count " << by_count[i].first << " is not darker than count " << by_count[i - 1].first;
    }
    const auto darkest = background(0, 0);  // count 50, the top of the scale: Blues' #08306b
    EXPECT_NEAR(darkest[0], 0x08, 3);
    EXPECT_NEAR(darkest[1], 0x30, 3);
    EXPECT_NEAR(darkest[2], 0x6b, 3);
    const auto lightest = background(0, 2);  // count 0, the bottom: #f7fbff
    EXPECT_NEAR(lightest[0], 0xf7, 3);
    EXPECT_NEAR(lightest[2], 0xff, 3);

    // The count's ink: the pixel that differs most from the cell around the centre.
    const auto ink = [&](int r, int c, bool want_light) {
        std::array<int, 3> best = background(r, c);
        for (double dy = -0.2; dy <= 0.2; dy += 0.01) {
            for (double dx = -0.25; dx <= 0.25; dx += 0.01) {
                const auto p = image.at(layout.grid_left + (c + 0.5 + dx) * layout.cell,
                                        layout.grid_top + (r + 0.5 + dy) * layout.cell);
                if (want_light ? brightness(p) > brightness(best) : brightness(p) < brightness(best)) best = p;
            }
        }
        return best;
    };
    const auto on_dark = ink(0, 0, true);
    EXPECT_GE(std::min({on_dark[0], on_dark[1], on_dark[2]}), 235) << "the count on the darkest cell is not white";
    const auto on_light = ink(0, 2, false);
    EXPECT_LE(std::max({on_light[0], on_light[1], on_light[2]}), 80) << "the count on a light cell is not dark";
}

TEST(ConfusionMatrix, SvgIsAnSvgDocumentTitledWithTheTitle) {
    const std::string svg = render_confusion_matrix(small_counts, small_names, "Test set & friends", FigureFormat::svg);
    EXPECT_TRUE(svg.starts_with("<?xml") || svg.starts_with("<svg")) << svg.substr(0, 80);
    EXPECT_THAT(svg, HasSubstr("<svg"));
    EXPECT_THAT(svg, HasSubstr("<title>Test set &amp; friends</title>"));
    EXPECT_THAT(svg, HasSubstr("</svg>"));
}

TEST(ConfusionMatrix, BadInputIsNamed) {
    EXPECT_THAT(testing::error_message([] {
                    render_confusion_matrix({1, 2, 3}, {"a", "b"}, "t", FigureFormat::png);
                }),
                HasSubstr("3 counts for 2 class names; expected 2² = 4"));
    EXPECT_THAT(testing::error_message([] { render_confusion_matrix({}, {}, "t", FigureFormat::png); }),
                HasSubstr("class_names is empty"));
    EXPECT_THAT(testing::error_message([] {
                    render_confusion_matrix({1, -2, 3, 4}, {"a", "b"}, "t", FigureFormat::png);
                }),
                HasSubstr("true 'a', predicted 'b' is -2"));
}

TEST(ConfusionMatrix, EqualCountsAndOneClassStillDraw) {
    EXPECT_GT(decode_png(render_confusion_matrix({5, 5, 5, 5}, {"a", "b"}, "t", FigureFormat::png)).width, 0);
    EXPECT_GT(decode_png(render_confusion_matrix({0}, {"only"}, "t", FigureFormat::png)).width, 0);
}

TEST(ConfusionMatrix, NormalizedCellsShowEachRowsShare) {
    // One example of class 0 (right) and a hundred of class 1 (right): as counts the first cell is pale, as shares
    // of their rows both diagonal cells are 1.00, the top of the scale.
    const std::vector<int64_t> counts{1, 0, 0, 100};
    const std::vector<std::string> names{"a", "b"};
    const auto counts_layout = confusion_matrix_layout(counts, names);
    const auto shares_layout = confusion_matrix_layout(counts, names, ConfusionValues::normalized_by_true_label);
    const auto background = [&](const Image& image, int r, int c) {
        const auto& layout = image.width == counts_layout.width ? counts_layout : shares_layout;
        return image.at(layout.grid_left + (c + 0.5) * layout.cell, layout.grid_top + (r + 0.12) * layout.cell);
    };
    const Image plain = decode_png(render_confusion_matrix(counts, names, "Counts", FigureFormat::png));
    const Image shares = decode_png(
        render_confusion_matrix(counts, names, "Shares", FigureFormat::png, ConfusionValues::normalized_by_true_label));
    ASSERT_EQ(plain.width, counts_layout.width);
    ASSERT_EQ(shares.width, shares_layout.width);
    EXPECT_GT(background(plain, 0, 0)[0], 200) << "a count of 1 next to 100 is pale";
    for (const auto& cell : {background(shares, 0, 0), background(shares, 1, 1)}) {
        EXPECT_NEAR(cell[0], 0x08, 3);  // Blues' darkest, #08306b
        EXPECT_NEAR(cell[2], 0x6b, 3);
    }
    EXPECT_NEAR(background(shares, 0, 1)[0], 0xf7, 3);  // 0.00, the lightest
    // A class without examples has no shares: its row stays at 0, not NaN.
    EXPECT_NO_THROW(render_confusion_matrix({0, 0, 3, 4}, names, "Empty row", FigureFormat::png,
                                            ConfusionValues::normalized_by_true_label));
    const std::string svg =
        render_confusion_matrix(counts, names, "Shares", FigureFormat::svg, ConfusionValues::normalized_by_true_label);
    EXPECT_THAT(svg, HasSubstr("Shares"));
}

TEST(Comparison, ABandIsShadedInTheCurvesColourAndPanelsSitSideBySide) {
    CurveSeries mean{.label = "mean", .x = {1, 2, 3}, .y = {0.4, 0.5, 0.6}};
    mean.band_low = {0.2, 0.3, 0.4};
    mean.band_high = {0.6, 0.7, 0.8};
    const Image image = decode_png(render_comparison_panels({{.title = "accuracy", .y_label = "acc", .curves = {mean}},
                                                             {.title = "loss", .y_label = "loss", .curves = {mean}}},
                                                            "Epoch", "Runs", FigureFormat::png));
    ASSERT_EQ(image.width, 1120);
    ASSERT_EQ(image.height, 460);
    // C0 (#1f77b4) at 20% over white: (210, 228, 240).
    int shaded_left = 0, shaded_right = 0;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            const auto p = image.at(x, y);
            const bool band = std::abs(p[0] - 210) < 8 && std::abs(p[1] - 228) < 8 && std::abs(p[2] - 240) < 8;
            (x < 560 ? shaded_left : shaded_right) += band;
        }
    }
    EXPECT_GT(shaded_left, 2000);
    EXPECT_GT(shaded_right, 2000);
}

TEST(Comparison, DrawsEachCurveInMatplotlibsColourCycle) {
    const Image image =
        decode_png(render_comparison({{"a", {1, 2, 3}, {0.1, 0.5, 0.3}}, {"b", {1, 2, 3}, {0.2, 0.2, 0.6}}}, "Runs",
                                     "Epoch", "val_accuracy", FigureFormat::png));
    ASSERT_EQ(image.width, 800);
    ASSERT_EQ(image.height, 520);
    const auto count_colour = [&](std::array<int, 3> want) {
        int n = 0;
        for (int y = 0; y < image.height; ++y) {
            for (int x = 0; x < image.width; ++x) {
                const auto p = image.at(x, y);
                n += std::abs(p[0] - want[0]) + std::abs(p[1] - want[1]) + std::abs(p[2] - want[2]) < 12;
            }
        }
        return n;
    };
    EXPECT_GT(count_colour({0x1f, 0x77, 0xb4}), 200);  // C0 blue
    EXPECT_GT(count_colour({0xff, 0x7f, 0x0e}), 200);  // C1 orange
}

TEST(Comparison, SinglePointsFlatLinesGapsAndNoDataDrawWithoutFailing) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<std::vector<CurveSeries>> cases{
        {{"one point", {5}, {0.7}}},
        {{"flat", {1, 2, 3}, {0.5, 0.5, 0.5}}},
        {{"gaps", {1, 2, 3, 4}, {0.5, nan, 0.7, std::numeric_limits<double>::infinity()}}},
        {{"all nan", {1, 2}, {nan, nan}}},
        {},
    };
    for (const auto& curves : cases) {
        const Image image = decode_png(render_comparison(curves, "t", "x", "y", FigureFormat::png));
        EXPECT_EQ(image.width, 800);
    }
    // An isolated point gets a marker, or it would not show at all.
    const Image one = decode_png(render_comparison(cases[0], "t", "x", "y", FigureFormat::png));
    int blue = 0;
    for (int y = 0; y < one.height; ++y) {
        for (int x = 0; x < one.width; ++x) {
            const auto p = one.at(x, y);
            blue += std::abs(p[0] - 0x1f) + std::abs(p[1] - 0x77) + std::abs(p[2] - 0xb4) < 12;
        }
    }
    EXPECT_GT(blue, 10);
}

TEST(Comparison, MismatchedLengthsAreNamed) {
    EXPECT_THAT(testing::error_message([] {
                    render_comparison({{"wide", {1, 2, 3}, {0.1, 0.2}}}, "Runs", "Epoch", "acc", FigureFormat::png);
                }),
                HasSubstr("curve 'wide' has 3 x values and 2 y values"));
}

TEST(Comparison, SvgCarriesTheTitle) {
    const std::string svg =
        render_comparison({{"a", {1, 2}, {1, 2}}}, "Validation <accuracy>", "Epoch", "acc", FigureFormat::svg);
    EXPECT_THAT(svg, StartsWith("<?xml"));
    EXPECT_THAT(svg, HasSubstr("<title>Validation &lt;accuracy&gt;</title>"));
}

TEST(Chart, TicksAreOneTwoFiveSteps) {
    EXPECT_THAT(nice_ticks(0, 1, 6), Pointwise(DoubleNear(1e-12), std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1}));
    EXPECT_THAT(nice_ticks(0.05, 20.95, 5, 1), ElementsAre(5, 10, 15, 20));
    EXPECT_THAT(nice_ticks(0.4, 1.6, 3, 1), ElementsAre(1));  // whole numbers only, however narrow the range
    EXPECT_THAT(nice_ticks(-3, 3, 4), ElementsAre(-2, 0, 2));
    EXPECT_TRUE(nice_ticks(1, 1, 5).empty());
    EXPECT_TRUE(nice_ticks(0, std::numeric_limits<double>::quiet_NaN(), 5).empty());
}

TEST(Chart, TickLabelsUseTheStepsDecimalsAndARealMinus) {
    EXPECT_EQ(tick_label(0.4, 0.2), "0.4");
    EXPECT_EQ(tick_label(15, 5), "15");
    EXPECT_EQ(tick_label(0.0005, 0.0001), "0.0005");
    EXPECT_EQ(tick_label(-2, 2), "\u22122");
    EXPECT_EQ(tick_label(1e-17, 0.1), "0.0");
    EXPECT_EQ(tick_label(2e-5, 1e-5), "2e\u22125");
    EXPECT_EQ(tick_label(1.5e-5, 5e-6), "1.5e\u22125");
}

}  // namespace
}  // namespace nnlab
