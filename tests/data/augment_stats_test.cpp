// Statistical tests of Augmenter::draw: each random parameter is uniform over its documented range (mean, min,
// max, a coarse histogram over 20,000 draws of a fixed Rng), flips come with p ≈ 0.5, and Keras's rules for
// shift ranges (fraction of the size below 1, an int n draws ±[0, n)) hold.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <vector>

#include "nnlab/data/augment/augment.hpp"

namespace nnlab {
namespace {

constexpr int kDraws = 20000;

std::vector<AugmentParams> draws(const AugmentConfig& config, const Shape& shape = Shape{8, 8, 3}) {
    const Augmenter augmenter(config, shape);
    Rng rng(2024, "augment");
    std::vector<AugmentParams> all;
    for (int i = 0; i < kDraws; ++i) all.push_back(augmenter.draw(rng));
    return all;
}

// Uniform on [low, high): mean within 4 standard errors, extremes inside and near the ends, 10 bins within 10%.
void expect_uniform(const std::vector<double>& v, double low, double high, const char* what) {
    const double width = high - low;
    double sum = 0;
    for (double x : v) sum += x;
    const double standard_error = width / std::sqrt(12.0 * static_cast<double>(v.size()));
    EXPECT_NEAR(sum / static_cast<double>(v.size()), (low + high) / 2, 4 * standard_error) << what;
    const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
    EXPECT_GE(*mn, low) << what;
    EXPECT_LT(*mx, high) << what;
    EXPECT_LT(*mn, low + 0.002 * width) << what;
    EXPECT_GT(*mx, high - 0.002 * width) << what;
    std::vector<int> bins(10, 0);
    for (double x : v) ++bins[static_cast<size_t>(std::min(9.0, std::floor((x - low) / width * 10)))];
    for (int b : bins) EXPECT_NEAR(b, static_cast<double>(v.size()) / 10, static_cast<double>(v.size()) / 100) << what;
}

std::vector<double> field(const std::vector<AugmentParams>& all, const std::function<double(const AugmentParams&)>& f) {
    std::vector<double> v;
    for (const auto& p : all) v.push_back(f(p));
    return v;
}

TEST(AugmentStats, EveryContinuousParameterIsUniformOverItsRange) {
    AugmentConfig c;
    c.rotation_range = 15;
    c.height_shift_range = 0.25;  // a fraction of 8 rows: ±2 pixels
    c.width_shift_range = 2.5;    // not a whole number: ±2.5 pixels
    c.shear_range = 10;
    c.zoom_low = 0.8, c.zoom_high = 1.3;
    c.channel_shift_range = 30;
    c.brightness_range = std::pair{0.6, 1.4};
    const auto all = draws(c);
    expect_uniform(field(all, [](auto& p) { return p.theta; }), -15, 15, "theta");
    expect_uniform(field(all, [](auto& p) { return p.tx; }), -2, 2, "tx (0.25 of 8)");
    expect_uniform(field(all, [](auto& p) { return p.ty; }), -2.5, 2.5, "ty (2.5 pixels)");
    expect_uniform(field(all, [](auto& p) { return p.shear; }), -10, 10, "shear");
    expect_uniform(field(all, [](auto& p) { return p.zx; }), 0.8, 1.3, "zx");
    expect_uniform(field(all, [](auto& p) { return p.zy; }), 0.8, 1.3, "zy");
    expect_uniform(field(all, [](auto& p) { return *p.channel_shift_intensity; }), -30, 30, "channel shift");
    expect_uniform(field(all, [](auto& p) { return *p.brightness; }), 0.6, 1.4, "brightness");
    // zx and zy are drawn independently.
    int both_high = 0;
    for (const auto& p : all) both_high += p.zx > 1.05 && p.zy > 1.05;
    EXPECT_NEAR(both_high, kDraws / 4, kDraws / 50);
}

TEST(AugmentStats, WholeNumberShiftIsKerasIntRule) {
    AugmentConfig c;
    c.width_shift_range = 3;  // Keras: np.random.choice(3) · ±1 → {−2, …, 2}, 0 with p 1/3, others 1/6
    const auto all = draws(c);
    std::map<double, int> counts;
    for (const auto& p : all) ++counts[p.ty];
    EXPECT_EQ(counts.size(), 5u);
    EXPECT_EQ(counts.begin()->first, -2);
    EXPECT_EQ(counts.rbegin()->first, 2);
    EXPECT_NEAR(counts[0], kDraws / 3.0, kDraws / 60.0);
    for (double v : {-2.0, -1.0, 1.0, 2.0}) EXPECT_NEAR(counts[v], kDraws / 6.0, kDraws / 60.0) << v;
}

TEST(AugmentStats, FlipsHappenHalfTheTimeIndependently) {
    AugmentConfig c;
    c.horizontal_flip = c.vertical_flip = true;
    const auto all = draws(c);
    int h = 0, v = 0, both = 0;
    for (const auto& p : all)
        h += p.flip_horizontal, v += p.flip_vertical, both += p.flip_horizontal && p.flip_vertical;
    const double se = std::sqrt(kDraws * 0.25);
    EXPECT_NEAR(h, kDraws / 2.0, 4 * se);
    EXPECT_NEAR(v, kDraws / 2.0, 4 * se);
    EXPECT_NEAR(both, kDraws / 4.0, 4 * se);
    AugmentConfig off;
    for (const auto& p : draws(off)) EXPECT_FALSE(p.flip_horizontal || p.flip_vertical);
}

TEST(AugmentStats, CropOffsetsAndCutoutCentresAreUniformIntegers) {
    AugmentConfig c;
    c.random_crop_padding = 2;
    c.cutout_size = 3;
    const auto all = draws(c, Shape{6, 10, 1});
    std::vector<int> rows(5, 0), cols(5, 0), cut_rows(6, 0), cut_cols(10, 0);
    for (const auto& p : all) {
        ASSERT_TRUE(p.crop_row >= 0 && p.crop_row <= 4 && p.crop_col >= 0 && p.crop_col <= 4);
        ASSERT_TRUE(p.cutout_row >= 0 && p.cutout_row < 6 && p.cutout_col >= 0 && p.cutout_col < 10);
        ++rows[static_cast<size_t>(p.crop_row)], ++cols[static_cast<size_t>(p.crop_col)];
        ++cut_rows[static_cast<size_t>(p.cutout_row)], ++cut_cols[static_cast<size_t>(p.cutout_col)];
    }
    for (int n : rows) EXPECT_NEAR(n, kDraws / 5.0, kDraws / 50.0);
    for (int n : cols) EXPECT_NEAR(n, kDraws / 5.0, kDraws / 50.0);
    for (int n : cut_rows) EXPECT_NEAR(n, kDraws / 6.0, kDraws / 50.0);
    for (int n : cut_cols) EXPECT_NEAR(n, kDraws / 10.0, kDraws / 50.0);
}

TEST(AugmentStats, DisabledParametersStayAtTheIdentity) {
    const auto all = draws({});
    for (const auto& p : all) {
        ASSERT_EQ(p.theta, 0);
        ASSERT_EQ(p.tx, 0);
        ASSERT_EQ(p.zx, 1);
        ASSERT_FALSE(p.channel_shift_intensity.has_value());
        ASSERT_EQ(p.cutout_row, -1);
    }
}

}  // namespace
}  // namespace nnlab
