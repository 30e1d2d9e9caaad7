// Tests of the Augmenter's geometry (Keras ImageDataGenerator.apply_transform: rotation, shifts, shear, zoom,
// flips, fill modes), checked against values computed here from the inverse-mapping formula with scipy's
// conventions: output pixel (r, c) samples the input at  col = o + [R·S·Sh·Z·((c, r) − o)]₀,
// row = o + [...]₁ (Keras builds its matrix on (col, row) once its row/column swap is undone).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "nnlab/data/augment/affine_warp.hpp"
#include "nnlab/data/augment/augment.hpp"

namespace nnlab {
namespace {

float scaled(int v) {
    return static_cast<float>(v) / 255.0f;
}

// A grey (1-channel) h×w image whose pixels all differ and have no symmetry: value (7·r + 3·c·c + 11) mod 256.
std::vector<uint8_t> pattern(int64_t h, int64_t w) {
    std::vector<uint8_t> img(static_cast<size_t>(h * w));
    for (int64_t r = 0; r < h; ++r) {
        for (int64_t c = 0; c < w; ++c)
            img[static_cast<size_t>(r * w + c)] = static_cast<uint8_t>((7 * r + 3 * c * c + 11) % 256);
    }
    return img;
}

std::vector<float> run(const AugmentConfig& config, const Shape& shape, const std::vector<uint8_t>& img,
                       const AugmentParams& params) {
    Augmenter augmenter(config, shape);
    std::vector<float> out(img.size());
    augmenter.apply(img.data(), out.data(), params);
    return out;
}

// Independent bilinear sample of a 1-channel image on the /255 scale with the edges clamped ('nearest').
double sample_nearest(const std::vector<uint8_t>& img, int64_t h, int64_t w, double row, double col) {
    const auto at = [&](int64_t r, int64_t c) {
        r = std::clamp<int64_t>(r, 0, h - 1);
        c = std::clamp<int64_t>(c, 0, w - 1);
        return static_cast<double>(scaled(img[static_cast<size_t>(r * w + c)]));
    };
    const double r0 = std::floor(row), c0 = std::floor(col);
    const double fr = row - r0, fc = col - c0;
    const auto ir = static_cast<int64_t>(r0), ic = static_cast<int64_t>(c0);
    return (1 - fr) * ((1 - fc) * at(ir, ic) + fc * at(ir, ic + 1)) +
           fr * ((1 - fc) * at(ir + 1, ic) + fc * at(ir + 1, ic + 1));
}

// Keras's map written out by hand for a square n×n image: (u, v) = (col, row) − o, then
// u' = zx·(u − sin(sh)·v) rotated … composed as R·S·Sh·Z applied to (u, v).
struct Point {
    double row, col;
};
Point keras_source(double theta_deg, double tx, double ty, double shear_deg, double zx, double zy, int64_t n, double r,
                   double c) {
    const double o = static_cast<double>(n) / 2 - 0.5;
    const double th = theta_deg * std::numbers::pi / 180, sh = shear_deg * std::numbers::pi / 180;
    double u = zx * (c - o), v = zy * (r - o);              // zoom
    u = u - std::sin(sh) * v, v = std::cos(sh) * v;         // shear
    u += tx, v += ty;                                       // shift (tx is the column!)
    const double u2 = std::cos(th) * u - std::sin(th) * v;  // rotation
    const double v2 = std::sin(th) * u + std::cos(th) * v;
    return {v2 + o, u2 + o};
}

void expect_matches_formula(const AugmentParams& p, int64_t n) {
    const auto img = pattern(n, n);
    const auto out = run({}, Shape{n, n, 1}, img, p);
    for (int64_t r = 0; r < n; ++r) {
        for (int64_t c = 0; c < n; ++c) {
            const Point s = keras_source(p.theta, p.tx, p.ty, p.shear, p.zx, p.zy, n, static_cast<double>(r),
                                         static_cast<double>(c));
            EXPECT_NEAR(out[static_cast<size_t>(r * n + c)], sample_nearest(img, n, n, s.row, s.col), 2e-6)
                << "pixel (" << r << ", " << c << ")";
        }
    }
}

TEST(AugmentGeometry, Rotation90MapsOutputRowColToInputColFlippedRow) {
    const int64_t n = 6;
    const auto img = pattern(n, n);
    AugmentParams p;
    p.theta = 90;
    const auto out = run({}, Shape{n, n, 1}, img, p);
    // u = col − o rotates to −v: out(r, c) = in(c, n − 1 − r).
    for (int64_t r = 0; r < n; ++r) {
        for (int64_t c = 0; c < n; ++c) {
            EXPECT_NEAR(out[static_cast<size_t>(r * n + c)], scaled(img[static_cast<size_t>(c * n + (n - 1 - r))]),
                        1e-6)
                << r << ", " << c;
        }
    }
}

TEST(AugmentGeometry, SmallRotationMatchesInverseMappingFormula) {
    AugmentParams p;
    p.theta = 12.5;
    expect_matches_formula(p, 9);
    p.theta = -7;
    expect_matches_formula(p, 8);
}

TEST(AugmentGeometry, ShearAndZoomAndTheirCompositionMatchFormula) {
    AugmentParams shear;
    shear.shear = 30;
    expect_matches_formula(shear, 8);
    AugmentParams zoom;
    zoom.zx = 0.5;
    zoom.zy = 1.25;
    expect_matches_formula(zoom, 8);
    AugmentParams all;
    all.theta = 20, all.tx = 1.5, all.ty = -0.75, all.shear = -10, all.zx = 0.9, all.zy = 1.1;
    expect_matches_formula(all, 10);
}

TEST(AugmentGeometry, Zoom2xAboutTheCentre) {
    // zx = zy = 0.5 samples the input at o + (p − o)/2: the centre 4×4 of an 8×8 image blown up twice.
    const int64_t n = 8;
    const auto img = pattern(n, n);
    AugmentParams p;
    p.zx = p.zy = 0.5;
    const auto out = run({}, Shape{n, n, 1}, img, p);
    // out(3, 3) and out(4, 4) straddle the centre 3.5: they sample 3.25 and 3.75.
    EXPECT_NEAR(out[3 * n + 3], sample_nearest(img, n, n, 3.25, 3.25), 1e-6);
    EXPECT_NEAR(out[4 * n + 4], sample_nearest(img, n, n, 3.75, 3.75), 1e-6);
    // The corner samples (1.75, 1.75): 0.25·0.25 of pixel (1,1), 0.75·0.25 of (1,2) and (2,1), 0.75² of (2,2).
    const auto v = [&](int r, int c) { return static_cast<double>(scaled(img[static_cast<size_t>(r * n + c)])); };
    EXPECT_NEAR(out[0], 0.0625 * v(1, 1) + 0.1875 * v(1, 2) + 0.1875 * v(2, 1) + 0.5625 * v(2, 2), 1e-6);
}

TEST(AugmentGeometry, WholePixelShiftsMoveTheImageExactly) {
    const int64_t h = 5, w = 7;
    const auto img = pattern(h, w);
    const auto in = [&](int64_t r, int64_t c) {
        return scaled(
            img[static_cast<size_t>(std::clamp<int64_t>(r, 0, h - 1) * w + std::clamp<int64_t>(c, 0, w - 1))]);
    };
    for (const double tx : {3.0, -2.0}) {  // Keras's tx (height_shift_range) moves along columns
        AugmentParams p;
        p.tx = tx;
        const auto out = run({}, Shape{h, w, 1}, img, p);
        for (int64_t r = 0; r < h; ++r) {
            for (int64_t c = 0; c < w; ++c) {
                EXPECT_EQ(out[static_cast<size_t>(r * w + c)], in(r, c + static_cast<int64_t>(tx))) << tx;
            }
        }
    }
    for (const double ty : {2.0, -3.0}) {  // Keras's ty (width_shift_range) moves along rows
        AugmentParams p;
        p.ty = ty;
        const auto out = run({}, Shape{h, w, 1}, img, p);
        for (int64_t r = 0; r < h; ++r) {
            for (int64_t c = 0; c < w; ++c) {
                EXPECT_EQ(out[static_cast<size_t>(r * w + c)], in(r + static_cast<int64_t>(ty), c)) << ty;
            }
        }
    }
}

TEST(AugmentGeometry, FlipsAreExactMirrors) {
    const int64_t h = 3, w = 4, ch = 2;
    std::vector<uint8_t> img(static_cast<size_t>(h * w * ch));
    for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<uint8_t>(17 * i + 5);
    const auto at = [&](int64_t r, int64_t c, int64_t k) {
        return scaled(img[static_cast<size_t>((r * w + c) * ch + k)]);
    };
    AugmentParams horizontal;
    horizontal.flip_horizontal = true;
    AugmentParams vertical;
    vertical.flip_vertical = true;
    const auto hx = run({}, Shape{h, w, ch}, img, horizontal);
    const auto vx = run({}, Shape{h, w, ch}, img, vertical);
    for (int64_t r = 0; r < h; ++r) {
        for (int64_t c = 0; c < w; ++c) {
            for (int64_t k = 0; k < ch; ++k) {
                EXPECT_EQ(hx[static_cast<size_t>((r * w + c) * ch + k)], at(r, w - 1 - c, k));
                EXPECT_EQ(vx[static_cast<size_t>((r * w + c) * ch + k)], at(h - 1 - r, c, k));
            }
        }
    }
}

TEST(AugmentGeometry, FlipFoldedIntoTheWarpEqualsFlippingAfterIt) {
    const int64_t n = 7;
    const auto img = pattern(n, n);
    AugmentParams p;
    p.theta = 11, p.tx = 0.6, p.zx = 1.1;
    const auto plain = run({}, Shape{n, n, 1}, img, p);
    p.flip_horizontal = p.flip_vertical = true;
    const auto flipped = run({}, Shape{n, n, 1}, img, p);
    for (int64_t r = 0; r < n; ++r) {
        for (int64_t c = 0; c < n; ++c) {
            EXPECT_EQ(flipped[static_cast<size_t>(r * n + c)],
                      plain[static_cast<size_t>((n - 1 - r) * n + (n - 1 - c))]);
        }
    }
}

// Fill modes on a 1-D-like image (4 identical rows a b c d e f) shifted along columns by Keras's tx.
std::vector<float> shifted_row(FillMode mode, double tx, double cval = 0.0) {
    const int64_t h = 4, w = 6;
    std::vector<uint8_t> img;
    for (int64_t r = 0; r < h; ++r) {
        for (int v : {10, 20, 30, 40, 50, 60}) img.push_back(static_cast<uint8_t>(v));
    }
    AugmentConfig config;
    config.fill_mode = mode;
    config.cval = cval;
    AugmentParams p;
    p.tx = tx;
    const auto out = run(config, Shape{h, w, 1}, img, p);
    return {out.begin() + 2 * w, out.begin() + 3 * w};  // one row, the same as the others
}

std::vector<float> row_of(std::initializer_list<double> values) {
    std::vector<float> v;
    for (double x : values) v.push_back(static_cast<float>(x / 255.0));
    return v;
}

TEST(AugmentGeometry, FillModeNearestClampsToTheEdge) {
    EXPECT_EQ(shifted_row(FillMode::nearest, -2), row_of({10, 10, 10, 20, 30, 40}));
    EXPECT_EQ(shifted_row(FillMode::nearest, 2), row_of({30, 40, 50, 60, 60, 60}));
}

TEST(AugmentGeometry, FillModeConstantUsesCvalWithoutBlendingAtTheBorder) {
    EXPECT_EQ(shifted_row(FillMode::constant, -2, 7), row_of({7, 7, 10, 20, 30, 40}));
    EXPECT_EQ(shifted_row(FillMode::constant, 2, 7), row_of({30, 40, 50, 60, 7, 7}));
    // scipy's 'constant' gives cval to any point outside [0, size − 1]: −0.5 is cval, not half of a.
    const auto half = shifted_row(FillMode::constant, -0.5, 7);
    EXPECT_EQ(half[0], scaled(7));
    EXPECT_NEAR(half[1], (scaled(10) + scaled(20)) / 2, 1e-7);
}

TEST(AugmentGeometry, FillModeReflectIsHalfSampleSymmetric) {
    // d c b a | a b c d | d c b a
    EXPECT_EQ(shifted_row(FillMode::reflect, -2), row_of({20, 10, 10, 20, 30, 40}));
    EXPECT_EQ(shifted_row(FillMode::reflect, 2), row_of({30, 40, 50, 60, 60, 50}));
    EXPECT_EQ(shifted_row(FillMode::reflect, -0.5)[0], scaled(10));  // −0.5 reflects to −0.5: a
}

TEST(AugmentGeometry, FillModeWrapIsScipysOldWrapWithPeriodSizeMinusOne) {
    // Column −1 → −1 + 5 = 4 (e), −2 → 3 (d); column 6 → 1 (b), 7 → 2 (c): first and last samples coincide.
    EXPECT_EQ(shifted_row(FillMode::wrap, -2), row_of({40, 50, 10, 20, 30, 40}));
    EXPECT_EQ(shifted_row(FillMode::wrap, 2), row_of({30, 40, 50, 60, 20, 30}));
    EXPECT_NEAR(shifted_row(FillMode::wrap, -0.5)[0], (scaled(50) + scaled(60)) / 2, 1e-7);  // −0.5 → 4.5
}

TEST(AugmentGeometry, ZoomOutWithConstantFillsTheBorderWithCval) {
    const int64_t n = 8;
    const auto img = pattern(n, n);
    AugmentConfig config;
    config.fill_mode = FillMode::constant;
    config.cval = 255;
    AugmentParams p;
    p.zx = p.zy = 2;  // samples o + 2·(p − o): pixel 0 reads −3.5, pixel 2 reads 0.5
    const auto out = run(config, Shape{n, n, 1}, img, p);
    EXPECT_EQ(out[0], 1.0f);
    EXPECT_EQ(out[2 * n + 1], 1.0f);  // column 1 reads −1.5
    EXPECT_NEAR(out[2 * n + 2], sample_nearest(img, n, n, 0.5, 0.5), 1e-6);
}

TEST(AugmentGeometry, KerasMatrixIsNoneForTheIdentity) {
    EXPECT_FALSE(keras_affine_map(0, 0, 0, 0, 1, 1, 8, 8).has_value());
    EXPECT_TRUE(keras_affine_map(0, 0, 0, 0, 1, 1.5, 8, 8).has_value());
}

TEST(AugmentGeometry, ThreeChannelWarpBlendsEveryChannelWithTheSameWeights) {
    const int64_t n = 5, ch = 3;
    std::vector<uint8_t> img(static_cast<size_t>(n * n * ch));
    for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<uint8_t>((31 * i + 7) % 256);
    AugmentParams p;
    p.theta = 33;
    const auto out = run({}, Shape{n, n, ch}, img, p);
    for (int64_t k = 0; k < ch; ++k) {
        std::vector<uint8_t> plane;
        for (int64_t i = 0; i < n * n; ++i) plane.push_back(img[static_cast<size_t>(i * ch + k)]);
        const auto single = run({}, Shape{n, n, 1}, plane, p);
        for (int64_t i = 0; i < n * n; ++i)
            EXPECT_EQ(out[static_cast<size_t>(i * ch + k)], single[static_cast<size_t>(i)]);
    }
}

}  // namespace
}  // namespace nnlab
