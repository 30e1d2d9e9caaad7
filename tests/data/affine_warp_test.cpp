// The vectorised affine warp against its one-pixel-at-a-time reference: the same floats bit for bit, for
// maps that stay inside the image and maps that leave it (each fill mode), flips, odd widths and channel
// counts. Built without AVX-512 both are the same code, and the test checks only that they agree.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "nnlab/core/rng.hpp"
#include "nnlab/data/augment/affine_warp.hpp"

namespace nnlab {
namespace {

std::vector<uint8_t> random_image(int64_t n, Rng& rng) {
    std::vector<uint8_t> image(static_cast<size_t>(n));
    for (uint8_t& b : image) b = static_cast<uint8_t>(rng.below(256));
    return image;
}

struct WarpCase {
    int64_t h, w, c;
    double theta, tx, ty, shear, zoom;
};

TEST(AffineWarp, VectorPathEqualsReferenceBitForBit) {
    const WarpCase cases[] = {
        {32, 32, 3, 15.0, 3.2, -3.2, 0.0, 1.0},  // the seed's draw: most of the image fully inside
        {32, 32, 3, -7.5, 0.0, 0.0, 0.0, 1.0},   // rotation only
        {32, 32, 3, 40.0, 9.0, 6.0, 10.0, 0.7},  // far out: many points on the borders
        {28, 28, 1, 12.0, -2.0, 1.5, 5.0, 1.2},  // grey
        {19, 13, 4, 25.0, 1.0, -4.0, 0.0, 0.9},  // odd width (one vector step, five scalar columns), 4 channels
        {9, 7, 3, 5.0, 0.5, 0.5, 0.0, 1.0},      // narrower than a vector
        {64, 40, 2, -30.0, -12.0, 8.0, -8.0, 1.3},
    };
    Rng rng(7, "warp-test");
    for (const WarpCase& k : cases) {
        const std::vector<uint8_t> image = random_image(k.h * k.w * k.c, rng);
        const auto map = keras_affine_map(k.theta, k.tx, k.ty, k.shear, k.zoom, k.zoom, k.h, k.w);
        ASSERT_TRUE(map.has_value());
        for (FillMode mode : {FillMode::nearest, FillMode::constant, FillMode::reflect, FillMode::wrap}) {
            for (int flips = 0; flips < 4; ++flips) {
                // x / 255 (the seed's scale) and the 0–255 scale (brightness draws) alternate.
                const float divisor = flips % 2 == 0 ? 255.0f : 1.0f;
                const WarpOptions options{
                    .fill_mode = mode, .cval = 0.25, .flip_rows = (flips & 1) != 0, .flip_cols = (flips & 2) != 0};
                const auto n = static_cast<size_t>(k.h * k.w * k.c);
                std::vector<float> fast(n, -1.0f), reference(n, -2.0f);
                affine_warp(image.data(), fast.data(), k.h, k.w, k.c, *map, divisor, options);
                affine_warp_reference(image.data(), reference.data(), k.h, k.w, k.c, *map, divisor, options);
                EXPECT_EQ(std::memcmp(fast.data(), reference.data(), n * sizeof(float)), 0)
                    << k.h << "x" << k.w << "x" << k.c << " theta " << k.theta << " fill mode "
                    << static_cast<int>(mode) << " flips " << flips << " divisor " << divisor;
            }
        }
    }
}

// The reference itself, on a case small enough to work by hand: a one-pixel shift of a 1×4 ramp samples the
// next column, and the last column, past the edge, repeats the border under 'nearest'.
TEST(AffineWarp, ReferenceShiftsByOnePixel) {
    const std::vector<uint8_t> ramp{0, 51, 102, 153, 204, 255, 0, 0, 10, 20, 30, 40, 50, 60, 70, 80};
    const AffineMap shift{.rr = 1.0, .rc = 0.0, .r0 = 0.0, .cr = 0.0, .cc = 1.0, .c0 = 1.0};
    std::vector<float> fast(16), reference(16);
    affine_warp(ramp.data(), fast.data(), 2, 8, 1, shift, 255.0f, {});
    affine_warp_reference(ramp.data(), reference.data(), 2, 8, 1, shift, 255.0f, {});
    const uint8_t expected[16] = {51, 102, 153, 204, 255, 0, 0, 0, 20, 30, 40, 50, 60, 70, 80, 80};
    for (int i = 0; i < 16; ++i) {
        EXPECT_EQ(reference[static_cast<size_t>(i)], static_cast<float>(expected[i]) / 255.0f) << "pixel " << i;
        EXPECT_EQ(fast[static_cast<size_t>(i)], reference[static_cast<size_t>(i)]) << "pixel " << i;
    }
}

}  // namespace
}  // namespace nnlab
