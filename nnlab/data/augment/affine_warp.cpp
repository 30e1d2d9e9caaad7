// Affine warp of one (H, W, C) uint8 image with bilinear interpolation and a fill mode, computed as
// scipy.ndimage.affine_transform(order=1) computes it (Keras: the resampling in apply_affine_transform).
#include "nnlab/data/augment/affine_warp.hpp"

#include <array>
#include <cmath>
#include <numbers>
#include <vector>

#if defined(__AVX512F__) && defined(__AVX512VL__) && defined(__AVX512DQ__)
#include <immintrin.h>
#endif

// scipy evaluates `shift + row·m0 + col·m1` and `t += v·w_row·w_col` as separate roundings; a fused
// multiply-add would move sample points that land exactly on a pixel (or on the border, where 'constant'
// switches to cval) by one ulp, so contraction is off in this file to keep scipy's arithmetic.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace nnlab {
namespace {

using Mat3 = std::array<std::array<double, 3>, 3>;

// np.dot of two 3×3 float64 matrices.
Mat3 dot(const Mat3& a, const Mat3& b) {
    Mat3 c{};
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) {
            double s = 0.0;
            for (int k = 0; k < 3; ++k) s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
    }
    return c;
}

double deg2rad(double degrees) {
    return degrees * (std::numbers::pi / 180.0);  // numpy's npy_deg2rad
}

// scipy's boundary conditions (NI_ExtendMode); mirror is what scipy uses for the taps of 'constant' and 'wrap'.
enum class Extend { nearest, constant, reflect, mirror, wrap };

// scipy's map_coordinate (ndimage/src/ni_interpolation.c, scipy ≥ 1.6): folds a coordinate outside
// [0, len − 1] back inside; 'constant' answers −1 for "outside". 'wrap' is scipy's old wrap, whose
// period is len − 1 (the first and last samples coincide), which is what Keras's fill_mode='wrap' gets.
double map_coordinate(double in, int64_t len, Extend mode) {
    if (in < 0) {
        switch (mode) {
            case Extend::mirror:
                if (len <= 1) return 0;
                {
                    const int64_t sz2 = 2 * len - 2;
                    in = static_cast<double>(sz2 * static_cast<int64_t>(-in / static_cast<double>(sz2))) + in;
                    return in <= static_cast<double>(1 - len) ? in + static_cast<double>(sz2) : -in;
                }
            case Extend::reflect:
                if (len <= 1) return 0;
                {
                    const int64_t sz2 = 2 * len;
                    if (in < static_cast<double>(-sz2)) {
                        in = static_cast<double>(sz2 * static_cast<int64_t>(-in / static_cast<double>(sz2))) + in;
                    }
                    return in < static_cast<double>(-len) ? in + static_cast<double>(sz2)
                                                          : (in > -1e-15 ? 1e-15 : -in) - 1;
                }
            case Extend::wrap:
                if (len <= 1) return 0;
                {
                    const int64_t sz = len - 1;
                    return in + static_cast<double>(sz * (static_cast<int64_t>(-in / static_cast<double>(sz)) + 1));
                }
            case Extend::nearest:
                return 0;
            case Extend::constant:
                return -1;
        }
    } else if (in > static_cast<double>(len - 1)) {
        switch (mode) {
            case Extend::mirror:
                if (len <= 1) return 0;
                {
                    const int64_t sz2 = 2 * len - 2;
                    in -= static_cast<double>(sz2 * static_cast<int64_t>(in / static_cast<double>(sz2)));
                    return in >= static_cast<double>(len) ? static_cast<double>(sz2) - in : in;
                }
            case Extend::reflect:
                if (len <= 1) return 0;
                {
                    const int64_t sz2 = 2 * len;
                    in -= static_cast<double>(sz2 * static_cast<int64_t>(in / static_cast<double>(sz2)));
                    return in >= static_cast<double>(len) ? static_cast<double>(sz2) - in - 1 : in;
                }
            case Extend::wrap:
                if (len <= 1) return 0;
                {
                    const int64_t sz = len - 1;
                    return in - static_cast<double>(sz * static_cast<int64_t>(in / static_cast<double>(sz)));
                }
            case Extend::nearest:
                return static_cast<double>(len - 1);
            case Extend::constant:
                return -1;
        }
    }
    return in;
}

// The two samples and weights of linear interpolation along one axis.
struct Taps {
    int64_t i0, i1;  // in [0, len)
    double w0, w1;
};

// scipy's per-axis step of NI_GeometricTransform for order 1; false means "use cval".
bool axis_taps(double x, int64_t len, FillMode mode, Taps& taps) {
    Extend coordinate_mode = Extend::nearest;  // scipy leaves the coordinate alone for 'nearest'
    Extend tap_mode = Extend::nearest;         // and clamps its taps
    switch (mode) {
        case FillMode::nearest:
            break;
        case FillMode::constant:
            coordinate_mode = Extend::constant, tap_mode = Extend::mirror;
            break;
        case FillMode::reflect:
            coordinate_mode = tap_mode = Extend::reflect;
            break;
        case FillMode::wrap:
            coordinate_mode = Extend::wrap, tap_mode = Extend::mirror;
            break;
    }
    double cc = x;
    if (mode != FillMode::nearest) {
        cc = map_coordinate(cc, len, coordinate_mode);
        if (!(cc > -1.0)) return false;
    }
    const double fl = std::floor(cc);
    const auto start = static_cast<int64_t>(fl);
    taps.w0 = 1.0 - (cc - fl);  // ni_splines.c: weights[0] = 1 − x, and the last weight is 1 − the others
    taps.w1 = 1.0 - taps.w0;
    const auto fold = [&](int64_t i) {
        return i >= 0 && i < len ? i : static_cast<int64_t>(map_coordinate(static_cast<double>(i), len, tap_mode));
    };
    taps.i0 = fold(start);
    taps.i1 = fold(start + 1);
    return true;
}

// values[b] = float32(b) / divisor, one table per thread for the divisor last used.
const double* byte_values(float divisor) {
    thread_local float table_divisor = 0.0f;
    thread_local std::array<double, 256> table{};
    if (divisor != table_divisor) {
        for (int b = 0; b < 256; ++b) table[static_cast<size_t>(b)] = static_cast<float>(b) / divisor;
        table_divisor = divisor;
    }
    return table.data();
}

// One output pixel (all c channels) sampled at the input point (y, x): scipy's taps, weights and sum.
inline void warp_pixel(const uint8_t* in, float* o, int64_t h, int64_t w, int64_t c, double y, double x,
                       const double* values, const WarpOptions& options) {
    const int64_t row_stride = w * c;
    Taps ty, tx;
    if (y >= 0.0 && y < static_cast<double>(h - 1) && x >= 0.0 && x < static_cast<double>(w - 1)) {
        // Fully inside: every fill mode leaves the point and both taps alone.
        const auto iy = static_cast<int64_t>(y);
        const auto ix = static_cast<int64_t>(x);
        ty = {iy, iy + 1, 1.0 - (y - static_cast<double>(iy)), 0.0};
        tx = {ix, ix + 1, 1.0 - (x - static_cast<double>(ix)), 0.0};
        ty.w1 = 1.0 - ty.w0;
        tx.w1 = 1.0 - tx.w0;
    } else if (!axis_taps(y, h, options.fill_mode, ty) || !axis_taps(x, w, options.fill_mode, tx)) {
        for (int64_t ch = 0; ch < c; ++ch) o[ch] = static_cast<float>(options.cval);
        return;
    }
    const uint8_t* p00 = in + ty.i0 * row_stride + tx.i0 * c;
    const uint8_t* p01 = in + ty.i0 * row_stride + tx.i1 * c;
    const uint8_t* p10 = in + ty.i1 * row_stride + tx.i0 * c;
    const uint8_t* p11 = in + ty.i1 * row_stride + tx.i1 * c;
    // scipy's tap order (0,0), (0,1), (1,0), (1,1), in double. scipy multiplies (v · w_row) · w_col; the
    // weight products are formed once here for all channels (a third fewer multiplies, ~10% of the
    // epoch), which can move the double sum by an ulp — 2⁻²⁹ of a float32 ulp, so the stored float
    // differs only when the sum sits that close to a float32 rounding boundary.
    const double w00 = ty.w0 * tx.w0, w01 = ty.w0 * tx.w1, w10 = ty.w1 * tx.w0, w11 = ty.w1 * tx.w1;
    for (int64_t ch = 0; ch < c; ++ch) {
        double t = values[p00[ch]] * w00;
        t += values[p01[ch]] * w01;
        t += values[p10[ch]] * w10;
        t += values[p11[ch]] * w11;
        o[ch] = static_cast<float>(t);
    }
}

// scipy's arithmetic for every pixel, one at a time: the reference the vector path must match bit for bit.
void warp_rows_scalar(const uint8_t* in, float* out, int64_t h, int64_t w, int64_t c, const AffineMap& map,
                      const double* values, const WarpOptions& options) {
    for (int64_t r = 0; r < h; ++r) {
        // scipy: tmp = shift; tmp += row·m0; tmp += col·m1 — the first two terms are the same for the whole row.
        const double y_base = map.r0 + static_cast<double>(r) * map.rr;
        const double x_base = map.c0 + static_cast<double>(r) * map.cr;
        float* out_row = out + (options.flip_rows ? h - 1 - r : r) * w * c;
        for (int64_t col = 0; col < w; ++col) {
            const double y = y_base + static_cast<double>(col) * map.rc;
            const double x = x_base + static_cast<double>(col) * map.cc;
            warp_pixel(in, out_row + (options.flip_cols ? w - 1 - col : col) * c, h, w, c, y, x, values, options);
        }
    }
}

#if defined(__AVX512F__) && defined(__AVX512VL__) && defined(__AVX512DQ__)
// plane[i] = float32(in[i]) / divisor as a double, eight at a time (the division is IEEE's in both forms,
// so this is values[in[i]] exactly; a table lookup per byte took a fifth of the warp).
void fill_plane(const uint8_t* in, float divisor, double* plane, int64_t n) {
    const __m256 d = _mm256_set1_ps(divisor);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i bytes = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + i)));
        // The masked form with every lane on: the plain one starts from an "undefined" register GCC 12 warns about.
        _mm512_storeu_pd(plane + i, _mm512_maskz_cvtps_pd(0xFF, _mm256_div_ps(_mm256_cvtepi32_ps(bytes), d)));
    }
    for (; i < n; ++i) plane[i] = static_cast<float>(in[i]) / divisor;
}

// The same arithmetic in AVX-512, each lane rounding exactly as the scalar code does (separate multiplies
// and adds, contraction off): eight pixels' sample points, taps and weights at once, then each pixel's
// channels (up to four) side by side in one vector of doubles. The bytes are first turned into their
// doubles once per image, so a tap is one short load instead of c byte loads and table lookups. Pixels
// near the border (not fully inside) take the scalar path. 1.6× the scalar warp on CIFAR-10 with the
// seed's draws; gathering the taps of eight pixels instead measured slower than scalar on this CPU.
void warp_rows_avx512(const uint8_t* in, float* out, int64_t h, int64_t w, int64_t c, const AffineMap& map,
                      float divisor, const WarpOptions& options) {
    const double* values = byte_values(divisor);  // for the pixels near the border
    const int64_t n = h * w * c;
    thread_local std::vector<double> plane;
    // Four spare doubles: a tap's masked load never reads them, but they keep every load's span in bounds.
    if (static_cast<int64_t>(plane.size()) < n + 4) plane.resize(static_cast<size_t>(n + 4));
    double* v = plane.data();
    fill_plane(in, divisor, v, n);
    const int64_t row_stride = w * c;
    const auto channels = static_cast<__mmask8>((1u << c) - 1);
    // The masked forms with every lane on: the plain ones start from an "undefined" register GCC 12 warns about.
    constexpr __mmask8 all = 0xFF;
    const __m512d lanes = _mm512_set_pd(7, 6, 5, 4, 3, 2, 1, 0);
    const __m512d zero = _mm512_setzero_pd(), one = _mm512_set1_pd(1.0);
    const __m512d last_row = _mm512_set1_pd(static_cast<double>(h - 1));
    const __m512d last_col = _mm512_set1_pd(static_cast<double>(w - 1));
    const __m512d rc = _mm512_set1_pd(map.rc), cc = _mm512_set1_pd(map.cc);
    const __m512i stride_v = _mm512_set1_epi64(row_stride), c_v = _mm512_set1_epi64(c);
    alignas(64) int64_t offset[8];
    alignas(64) double w00[8], w01[8], w10[8], w11[8];
    for (int64_t r = 0; r < h; ++r) {
        const double y_base = map.r0 + static_cast<double>(r) * map.rr;
        const double x_base = map.c0 + static_cast<double>(r) * map.cr;
        float* out_row = out + (options.flip_rows ? h - 1 - r : r) * row_stride;
        // Pixels go in memory order (backwards in col when flipped): a vector store writes four floats, and
        // those past this pixel are rewritten by the next ones. Near the row's end only its own are stored.
        for (int64_t k0 = 0; k0 < w; k0 += 8) {
            const __m512d ks = _mm512_add_pd(_mm512_set1_pd(static_cast<double>(k0)), lanes);
            const __m512d cols = options.flip_cols ? _mm512_sub_pd(_mm512_set1_pd(static_cast<double>(w - 1)), ks) : ks;
            const __m512d y = _mm512_add_pd(_mm512_set1_pd(y_base), _mm512_mul_pd(cols, rc));
            const __m512d x = _mm512_add_pd(_mm512_set1_pd(x_base), _mm512_mul_pd(cols, cc));
            const __mmask8 inside =
                _mm512_cmp_pd_mask(y, zero, _CMP_GE_OQ) & _mm512_cmp_pd_mask(y, last_row, _CMP_LT_OQ) &
                _mm512_cmp_pd_mask(x, zero, _CMP_GE_OQ) & _mm512_cmp_pd_mask(x, last_col, _CMP_LT_OQ);
            // Inside, y and x are ≥ 0, so truncation is floor; the other lanes are not used.
            const __m512i iy = _mm512_maskz_cvttpd_epi64(inside, y), ix = _mm512_maskz_cvttpd_epi64(inside, x);
            const __m512d wy0 = _mm512_sub_pd(one, _mm512_sub_pd(y, _mm512_maskz_cvtepi64_pd(all, iy)));
            const __m512d wx0 = _mm512_sub_pd(one, _mm512_sub_pd(x, _mm512_maskz_cvtepi64_pd(all, ix)));
            const __m512d wy1 = _mm512_sub_pd(one, wy0), wx1 = _mm512_sub_pd(one, wx0);
            _mm512_store_pd(w00, _mm512_mul_pd(wy0, wx0));
            _mm512_store_pd(w01, _mm512_mul_pd(wy0, wx1));
            _mm512_store_pd(w10, _mm512_mul_pd(wy1, wx0));
            _mm512_store_pd(w11, _mm512_mul_pd(wy1, wx1));
            _mm512_store_si512(offset, _mm512_add_epi64(_mm512_mullo_epi64(iy, stride_v), _mm512_mullo_epi64(ix, c_v)));
            for (int64_t j = 0; j < 8 && k0 + j < w; ++j) {
                const int64_t k = k0 + j;
                float* o = out_row + k * c;
                if (((inside >> j) & 1) == 0) {
                    const double col = static_cast<double>(options.flip_cols ? w - 1 - k : k);
                    warp_pixel(in, o, h, w, c, y_base + col * map.rc, x_base + col * map.cc, values, options);
                    continue;
                }
                const double* p00 = v + offset[j];
                const double* p10 = p00 + row_stride;
                __m256d t = _mm256_mul_pd(_mm256_maskz_loadu_pd(channels, p00), _mm256_set1_pd(w00[j]));
                t = _mm256_add_pd(t, _mm256_mul_pd(_mm256_maskz_loadu_pd(channels, p00 + c), _mm256_set1_pd(w01[j])));
                t = _mm256_add_pd(t, _mm256_mul_pd(_mm256_maskz_loadu_pd(channels, p10), _mm256_set1_pd(w10[j])));
                t = _mm256_add_pd(t, _mm256_mul_pd(_mm256_maskz_loadu_pd(channels, p10 + c), _mm256_set1_pd(w11[j])));
                const __m128 pixel = _mm256_cvtpd_ps(t);
                if (k * c + 4 <= row_stride) {
                    _mm_storeu_ps(o, pixel);
                } else {
                    _mm_mask_storeu_ps(o, channels, pixel);
                }
            }
        }
    }
}
#endif

}  // namespace

std::optional<AffineMap> keras_affine_map(double theta, double tx, double ty, double shear, double zx, double zy,
                                          int64_t h, int64_t w) {
    std::optional<Mat3> t;
    const auto then = [&t](const Mat3& m) { t = t ? dot(*t, m) : m; };
    if (theta != 0.0) {
        const double a = deg2rad(theta);
        then({{{std::cos(a), -std::sin(a), 0.0}, {std::sin(a), std::cos(a), 0.0}, {0.0, 0.0, 1.0}}});
    }
    if (tx != 0.0 || ty != 0.0) then({{{1.0, 0.0, tx}, {0.0, 1.0, ty}, {0.0, 0.0, 1.0}}});
    if (shear != 0.0) {
        const double s = deg2rad(shear);
        then({{{1.0, -std::sin(s), 0.0}, {0.0, std::cos(s), 0.0}, {0.0, 0.0, 1.0}}});
    }
    if (zx != 1.0 || zy != 1.0) then({{{zx, 0.0, 0.0}, {0.0, zy, 0.0}, {0.0, 0.0, 1.0}}});
    if (!t) return std::nullopt;
    // transform_matrix_offset_center(matrix, h, w): about (h/2 − 0.5, w/2 − 0.5) in the matrix's own order.
    const double ox = static_cast<double>(h) / 2 - 0.5;
    const double oy = static_cast<double>(w) / 2 - 0.5;
    const Mat3 offset{{{1.0, 0.0, ox}, {0.0, 1.0, oy}, {0.0, 0.0, 1.0}}};
    const Mat3 reset{{{1.0, 0.0, -ox}, {0.0, 1.0, -oy}, {0.0, 0.0, 1.0}}};
    const Mat3 m = dot(dot(offset, *t), reset);
    // Keras then swaps rows 0/1 and columns 0/1 (its "x, y" order) before handing the matrix to scipy, whose
    // coordinates are (row, col): the matrix's first coordinate ends up being the column.
    return AffineMap{.rr = m[1][1], .rc = m[1][0], .r0 = m[1][2], .cr = m[0][1], .cc = m[0][0], .c0 = m[0][2]};
}

void affine_warp(const uint8_t* in, float* out, int64_t h, int64_t w, int64_t c, const AffineMap& map, float divisor,
                 const WarpOptions& options) {
#if defined(__AVX512F__) && defined(__AVX512VL__) && defined(__AVX512DQ__)
    if (c <= 4) return warp_rows_avx512(in, out, h, w, c, map, divisor, options);
#endif
    warp_rows_scalar(in, out, h, w, c, map, byte_values(divisor), options);
}

void affine_warp_reference(const uint8_t* in, float* out, int64_t h, int64_t w, int64_t c, const AffineMap& map,
                           float divisor, const WarpOptions& options) {
    warp_rows_scalar(in, out, h, w, c, map, byte_values(divisor), options);
}

void copy_flipped(const uint8_t* in, float* out, int64_t h, int64_t w, int64_t c, float divisor, bool flip_rows,
                  bool flip_cols) {
    const double* values = byte_values(divisor);
    for (int64_t r = 0; r < h; ++r) {
        float* out_row = out + (flip_rows ? h - 1 - r : r) * w * c;
        const uint8_t* in_row = in + r * w * c;
        for (int64_t col = 0; col < w; ++col) {
            float* o = out_row + (flip_cols ? w - 1 - col : col) * c;
            for (int64_t ch = 0; ch < c; ++ch) o[ch] = static_cast<float>(values[in_row[col * c + ch]]);
        }
    }
}

}  // namespace nnlab
