// Affine warp of one (H, W, C) uint8 image with bilinear interpolation and a fill mode, computed as
// scipy.ndimage.affine_transform(order=1) computes it (Keras: the resampling in apply_affine_transform).
#pragma once

#include <cstdint>
#include <optional>

#include "nnlab/data/augment/augment.hpp"

namespace nnlab {

// Maps an output pixel (row, col) to the input point it samples, in scipy's (row, col) order:
//   in_row = r0 + row·rr + col·rc,   in_col = c0 + row·cr + col·cc.
struct AffineMap {
    double rr = 1.0, rc = 0.0, r0 = 0.0;
    double cr = 0.0, cc = 1.0, c0 = 0.0;
};

// The map Keras's apply_affine_transform builds (rotation · shift · shear · zoom about the centre, then its
// row/col swap) for an image of h rows and w columns; nullopt when every parameter is the identity, where
// Keras skips the warp. Angles in degrees, tx and ty in pixels, as Keras's transform parameters.
std::optional<AffineMap> keras_affine_map(double theta, double tx, double ty, double shear, double zx, double zy,
                                          int64_t h, int64_t w);

struct WarpOptions {
    FillMode fill_mode = FillMode::nearest;
    double cval = 0.0;       // on the scale the divisor gives
    bool flip_rows = false;  // write row r of the warp to row h−1−r (Keras's flip after the warp)
    bool flip_cols = false;  // write column c to column w−1−c
};

// out (h, w, c) float = in (h, w, c) resampled through map; a byte b is read as float32(b) / divisor (255:
// Keras's view of the seed's x / 255; 1: the 0–255 scale), interpolated in double, stored as float. Up to
// four channels go through AVX-512 where the build has it, with the same values bit for bit.
void affine_warp(const uint8_t* in, float* out, int64_t h, int64_t w, int64_t c, const AffineMap& map, float divisor,
                 const WarpOptions& options);

// The same warp one pixel at a time, in plain C++: the reference affine_warp is tested against.
void affine_warp_reference(const uint8_t* in, float* out, int64_t h, int64_t w, int64_t c, const AffineMap& map,
                           float divisor, const WarpOptions& options);

// out (h, w, c) = float32(in) / divisor, flipped as asked: the exact copy used when a draw has no geometry.
void copy_flipped(const uint8_t* in, float* out, int64_t h, int64_t w, int64_t c, float divisor, bool flip_rows,
                  bool flip_cols);

}  // namespace nnlab
