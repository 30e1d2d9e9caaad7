// Augmenter — random image transforms with Keras ImageDataGenerator semantics (Keras:
// keras.src.legacy.preprocessing.image.ImageDataGenerator), plus random crop with padding and cutout.
//
// What follows Keras, read from keras/src/legacy/preprocessing/image.py (get_random_transform, apply_transform,
// standardize, fit, apply_affine_transform, transform_matrix_offset_center) and scipy ≥ 1.6's ndimage:
//  - draw order and ranges: theta ~ U(±rotation_range) degrees; tx from height_shift_range, ty from
//    width_shift_range: a range < 1 is a fraction (U(±v)·H for tx, ·W for ty), an int n is
//    np.random.choice(n)·choice([−1, 1]) pixels (so |shift| ≤ n − 1, and 0 twice as likely as each other value);
//    shear ~ U(±shear_range) degrees; zx then zy ~ U(zoom_low, zoom_high), both 1 when the range is [1, 1];
//    flips with p = 0.5; channel shift ~ U(±channel_shift_range); brightness ~ U(low, high).
//  - the matrix: rotation · shift · shear · zoom, offset to (h/2 − 0.5, w/2 − 0.5), then Keras's row/column
//    swap before scipy. The swap makes the matrix's first coordinate the *column*, so, exactly as Keras does
//    (keras-team/keras#17398, tf-keras#310), height_shift_range moves the image sideways (by a fraction of the
//    height) and width_shift_range moves it up and down, and the centre offset of a non-square image uses h for
//    the column. Square images (CIFAR) with equal shift ranges are unaffected.
//  - the warp: scipy.ndimage.affine_transform(order=1, mode=fill_mode, cval): scipy's coordinate arithmetic, tap
//    order and weights (affine_warp.cpp). 'constant' gives cval to any point outside [0, size − 1] (no blend with
//    cval); 'reflect' is half-sample symmetric; 'wrap' is scipy's old 'wrap' (what Keras passes), whose period is
//    size − 1, not scipy's 'grid-wrap'. No warp at all when the draw is the identity (Keras's matrix is None).
//  - then channel shift (clip(x + intensity, min(x), max(x)) over the whole image, float32), flips, brightness.
//    Flips come after the warp in Keras; here they are folded into the warp's writes (one resampling, same values).
//  - standardize: samplewise centre (mean of all values), samplewise std (+1e-6), featurewise centre (per-channel
//    mean), featurewise std (+1e-6), ZCA (x · matrix); the overrides Keras makes in __init__ (zca ⇒ featurewise
//    centre and no featurewise std; *_std_normalization ⇒ *_center).
//  - fit: per-channel mean over (N, H, W), std of the centred data, ZCA = u·(sqrt(n)/(s + zca_epsilon))·uᵀ from the
//    svd of the centred flat data (as the eigenpairs of xᵀx/n, keeping min(n, d) of them).
//
// Where this differs from Keras, and why:
//  - random numbers come from nnlab::Rng, not numpy's global generator, so a draw never equals a Keras draw; and
//    we draw flips only when they are on (Keras always draws). apply() with Keras's parameters gives Keras's image.
//  - images are read as float32(byte / 255), the seed's x / 255 (a 256-entry table), and the interpolation runs in
//    double as scipy's does; the result equals Keras on the seed's x / 255 up to the last bit of matrix rounding
//    (numpy's 3×3 products may use FMA in BLAS; we do not).
//  - the bilinear blend forms w_row·w_col once per pixel where scipy computes (v·w_row)·w_col: the double sum
//    may move by an ulp, which changes the float32 result only when it sits within 2⁻²⁹ float-ulps of a boundary.
//  - a shift range that is a whole number ≥ 1 is taken as Keras's int (the config has no int/float type); a
//    whole-number float in Keras (4.0) would draw U(±4) pixels instead.
//  - channel_shift_range and cval are on the 0–255 scale and divided by 255 for the /255 image (Keras takes them
//    on the data's own scale); cval must lie in [0, 255].
//  - brightness: Keras goes through PIL (uint8 truncation, ImageEnhance.Brightness = trunc(float(b)·v), clipped to
//    [0, 255]); on the seed's x / 255 data that truncation would zero the image, so we reproduce what Keras does on
//    0–255 data (rescale=1/255 in the generator): when a draw has a brightness, the warp and channel shift run on
//    the 0–255 scale, PIL's arithmetic follows, then / 255. Every channel is scaled, also a 4th (PIL keeps alpha)
//    and any other count (Keras raises for channel counts other than 1, 3, 4).
//  - fit statistics are summed in double (numpy sums float32); the mean, std and ZCA matrix are stored as float.
//  - fit() is required: an unfitted augmenter that needs it throws (Keras warns and skips the step).
//  - the ZCA matrix comes from LAPACK's dsyevd on xᵀx in double (Keras: float32 svd of xᵀ); O(d³) with
//    d = H·W·C, ~40 s at CIFAR's 3,072, so images over 4,096 values are refused in the constructor. The whitening
//    GEMM runs on whole batches in the Loader; cutout, which Keras lacks, comes before it when both are on.
//  - not in Keras: random crop (after the Keras transforms, before standardize; numpy 'reflect' padding without
//    edge repeat, or zeros; offset uniform in [0, 2p] per axis, as torchvision's RandomCrop(padding=p)) and cutout
//    (after standardize, so 0 is "the mean" under featurewise centring and black otherwise, as DeVries & Taylor
//    apply it after Normalize; centre uniform over the image, square rows [cy − s/2, cy − s/2 + s) clipped — for
//    odd s that is s rows where their code gives s − 1).
#include "nnlab/data/augment/augment.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>
#include <string>

#include "nnlab/core/error.hpp"
#include "nnlab/data/augment/affine_warp.hpp"
#include "nnlab/data/augment/zca.hpp"
#include "nnlab/data/pixel_scale.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

// The largest H·W·C for which fit() builds a ZCA matrix: LAPACK's eigen-solver is O(d³) and takes ~40 s at
// CIFAR's 3,072 with Debian's reference BLAS; 64×64×3 would take over half an hour and 1.2 GB.
constexpr int64_t kMaxZcaFeatures = 4096;

std::string str(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

void require(bool ok, const char* key, const std::string& expected, const std::string& found) {
    if (!ok) throw KeyError(key, std::string(key) + ": expected " + expected + ", found " + found);
}

// apply_channel_shift: every value + intensity (numpy adds a Python float to float32 in float32), clipped to the
// image's own min and max.
void channel_shift(float* x, int64_t n, double intensity) {
    const auto [lo, hi] = std::minmax_element(x, x + n);
    const float low = *lo, high = *hi;
    const auto shift = static_cast<float>(intensity);
    for (int64_t i = 0; i < n; ++i) x[i] = std::clamp(x[i] + shift, low, high);
}

// apply_brightness_shift on 0–255 values: PIL sees uint8(x) (truncated), ImageEnhance.Brightness blends with
// black, which Pillow's ImagingBlend computes as (UINT8)(float alpha · v), clipped to [0, 255].
void brightness_shift(float* x, int64_t n, double factor) {
    const auto alpha = static_cast<float>(factor);
    for (int64_t i = 0; i < n; ++i) {
        const auto v = static_cast<uint8_t>(static_cast<int>(x[i]));
        const float t = alpha * static_cast<float>(v);
        x[i] = t <= 0.0f ? 0.0f : t >= 255.0f ? 255.0f : static_cast<float>(static_cast<uint8_t>(t));
    }
}

// numpy's 'reflect' padding index (no edge repeat: c b | a b c | b a), any distance from the image.
int64_t reflect_index(int64_t i, int64_t n) {
    if (n == 1) return 0;
    const int64_t period = 2 * (n - 1);
    i %= period;
    if (i < 0) i += period;
    return i < n ? i : period - i;
}

}  // namespace

bool AugmentConfig::any_random_transform() const {
    return rotation_range != 0.0 || width_shift_range != 0.0 || height_shift_range != 0.0 || shear_range != 0.0 ||
           zoom_low != 1.0 || zoom_high != 1.0 || channel_shift_range != 0.0 || brightness_range.has_value() ||
           horizontal_flip || alternating_flip || vertical_flip || random_crop_padding > 0 || cutout_size > 0;
}

Augmenter::Augmenter(AugmentConfig config, Shape image_shape)
    : config_(std::move(config)), image_shape_(std::move(image_shape)) {
    if (image_shape_.rank() != 3 || image_shape_[0] < 1 || image_shape_[1] < 1 || image_shape_[2] < 1) {
        throw Error("augment: expected an image shape (height, width, channels) with every dimension ≥ 1, found " +
                    image_shape_.to_string());
    }
    height_ = image_shape_[0];
    width_ = image_shape_[1];
    channels_ = image_shape_[2];
    const AugmentConfig& c = config_;
    const auto non_negative = [](double v, const char* key, const char* unit) {
        require(std::isfinite(v) && v >= 0.0, key, std::string("a number ≥ 0 (") + unit + ")", str(v));
    };
    non_negative(c.rotation_range, "rotation_range", "degrees");
    non_negative(c.width_shift_range, "width_shift_range", "a fraction of the width below 1, else pixels");
    non_negative(c.height_shift_range, "height_shift_range", "a fraction of the height below 1, else pixels");
    non_negative(c.shear_range, "shear_range", "degrees");
    non_negative(c.channel_shift_range, "channel_shift_range", "on the 0–255 pixel scale");
    require(std::isfinite(c.zoom_low) && std::isfinite(c.zoom_high) && c.zoom_low > 0.0 && c.zoom_low <= c.zoom_high,
            "zoom_range", "[low, high] with 0 < low ≤ high", "[" + str(c.zoom_low) + ", " + str(c.zoom_high) + "]");
    if (c.brightness_range) {
        const auto [low, high] = *c.brightness_range;
        require(std::isfinite(low) && std::isfinite(high) && low >= 0.0 && low <= high, "brightness_range",
                "[low, high] with 0 ≤ low ≤ high", "[" + str(low) + ", " + str(high) + "]");
    }
    require(std::isfinite(c.cval) && c.cval >= 0.0 && c.cval <= 255.0, "cval", "a value in [0, 255] (pixel scale)",
            str(c.cval));
    require(std::isfinite(c.zca_epsilon) && c.zca_epsilon >= 0.0, "zca_epsilon", "a number ≥ 0", str(c.zca_epsilon));
    // A crop padded by more than the image would often be nothing but padding.
    require(c.random_crop_padding >= 0 && c.random_crop_padding <= std::min(height_, width_), "random_crop_padding",
            "an integer in [0, " + std::to_string(std::min(height_, width_)) +
                "] (pixels, at most the image's smaller side)",
            std::to_string(c.random_crop_padding));
    require(c.cutout_size >= 0 && c.cutout_size <= std::min(height_, width_), "cutout_size",
            "an integer in [0, " + std::to_string(std::min(height_, width_)) + "] (the image's smaller side)",
            std::to_string(c.cutout_size));
    if (c.zca_whitening) {
        const int64_t d = height_ * width_ * channels_;
        require(d <= kMaxZcaFeatures, "zca_whitening",
                "images of at most " + std::to_string(kMaxZcaFeatures) +
                    " values (its eigen-decomposition is O(d³)); use featurewise_std_normalization for larger images",
                image_shape_.to_string() + " = " + std::to_string(d) + " values");
    }
    // The overrides Keras's __init__ makes (with a warning there).
    if (config_.zca_whitening) {
        config_.featurewise_center = true;
        config_.featurewise_std_normalization = false;
    }
    if (config_.featurewise_std_normalization) config_.featurewise_center = true;
    if (config_.samplewise_std_normalization) config_.samplewise_center = true;
}

double Augmenter::draw_shift(Rng& rng, double range, int64_t size) const {
    if (range < 1.0) return rng.uniform(-range, range) * static_cast<double>(size);
    if (range == std::floor(range)) {  // Keras's int: np.random.choice(n) · np.random.choice([-1, 1])
        const auto magnitude = static_cast<double>(rng.below(static_cast<uint64_t>(range)));
        return rng.below(2) == 0 ? -magnitude : magnitude;
    }
    return rng.uniform(-range, range);
}

AugmentParams Augmenter::draw(Rng& rng) const {
    const AugmentConfig& c = config_;
    AugmentParams p;
    if (c.rotation_range != 0.0) p.theta = rng.uniform(-c.rotation_range, c.rotation_range);
    if (c.height_shift_range != 0.0) p.tx = draw_shift(rng, c.height_shift_range, height_);
    if (c.width_shift_range != 0.0) p.ty = draw_shift(rng, c.width_shift_range, width_);
    if (c.shear_range != 0.0) p.shear = rng.uniform(-c.shear_range, c.shear_range);
    if (!(c.zoom_low == 1.0 && c.zoom_high == 1.0)) {
        p.zx = rng.uniform(c.zoom_low, c.zoom_high);
        p.zy = rng.uniform(c.zoom_low, c.zoom_high);
    }
    if (c.horizontal_flip) p.flip_horizontal = rng.uniform() < 0.5;
    if (c.vertical_flip) p.flip_vertical = rng.uniform() < 0.5;
    if (c.channel_shift_range != 0.0) {
        p.channel_shift_intensity = rng.uniform(-c.channel_shift_range, c.channel_shift_range);
    }
    if (c.brightness_range) p.brightness = rng.uniform(c.brightness_range->first, c.brightness_range->second);
    if (c.random_crop_padding > 0) {
        const auto positions = static_cast<uint64_t>(2 * c.random_crop_padding + 1);
        p.crop_row = static_cast<int64_t>(rng.below(positions));
        p.crop_col = static_cast<int64_t>(rng.below(positions));
    }
    if (c.cutout_size > 0) {
        p.cutout_row = static_cast<int64_t>(rng.below(static_cast<uint64_t>(height_)));
        p.cutout_col = static_cast<int64_t>(rng.below(static_cast<uint64_t>(width_)));
    }
    return p;
}

void Augmenter::apply(const uint8_t* image, float* out, const AugmentParams& p, Whitening whitening) const {
    check_fitted();
    const int64_t n = height_ * width_ * channels_;
    // With a brightness the Keras steps run on the 0–255 scale (see the top of this file), else on x / 255.
    const bool byte_scale = p.brightness.has_value();
    const float divisor = byte_scale ? 1.0f : 255.0f;  // the warp and copy read a byte b as float32(b) / divisor
    const double scale = 1.0 / divisor;
    if (const auto map = keras_affine_map(p.theta, p.tx, p.ty, p.shear, p.zx, p.zy, height_, width_)) {
        affine_warp(image, out, height_, width_, channels_, *map, divisor,
                    {.fill_mode = config_.fill_mode,
                     .cval = config_.cval * scale,
                     .flip_rows = p.flip_vertical,
                     .flip_cols = p.flip_horizontal});
    } else {
        copy_flipped(image, out, height_, width_, channels_, divisor, p.flip_vertical, p.flip_horizontal);
    }
    if (p.channel_shift_intensity) channel_shift(out, n, *p.channel_shift_intensity * scale);
    if (p.brightness) {
        brightness_shift(out, n, *p.brightness);
        for (int64_t i = 0; i < n; ++i) out[i] /= 255.0f;
    }
    if (config_.random_crop_padding > 0) random_crop(out, p.crop_row, p.crop_col);
    standardize_in_place(out);
    if (p.cutout_row >= 0 && config_.cutout_size > 0) cutout(out, p.cutout_row, p.cutout_col);
    if (whitening == Whitening::per_image) whiten(out, 1);
}

void Augmenter::augment(const uint8_t* image, float* out, Rng& rng, Whitening whitening) const {
    check_fitted();
    apply(image, out, draw(rng), whitening);
}

void Augmenter::augment(const uint8_t* image, float* out, Rng& rng, Whitening whitening, const ImageInRun& at) const {
    check_fitted();
    AugmentParams params = draw(rng);
    if (config_.alternating_flip) params.flip_horizontal = alternating_flip(at);
    apply(image, out, params, whitening);
}

bool Augmenter::alternating_flip(const ImageInRun& at) {
    // The image's own stream, apart from the per-epoch draws: the coin does not depend on the epoch or the batch.
    Rng coin(at.seed + 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(at.example + 1), "alternating_flip");
    return (coin.uniform() < 0.5) != (at.epoch % 2 == 1);
}

void Augmenter::random_crop(float* x, int64_t row, int64_t col) const {
    const int64_t pad = config_.random_crop_padding;
    // A copy of the image to read from, kept per worker thread: no allocation per image once it has grown.
    thread_local std::vector<float> source;
    source.assign(x, x + height_ * width_ * channels_);
    for (int64_t r = 0; r < height_; ++r) {
        for (int64_t cidx = 0; cidx < width_; ++cidx) {
            float* o = x + (r * width_ + cidx) * channels_;
            int64_t sr = r + row - pad, sc = cidx + col - pad;  // the source pixel in the unpadded image
            const bool inside = sr >= 0 && sr < height_ && sc >= 0 && sc < width_;
            if (!inside && config_.random_crop_pad_mode == PadMode::zero) {
                std::fill(o, o + channels_, 0.0f);
                continue;
            }
            sr = reflect_index(sr, height_);
            sc = reflect_index(sc, width_);
            std::copy_n(source.data() + (sr * width_ + sc) * channels_, channels_, o);
        }
    }
}

void Augmenter::cutout(float* x, int64_t row, int64_t col) const {
    const int64_t s = config_.cutout_size;
    const int64_t r0 = std::clamp<int64_t>(row - s / 2, 0, height_),
                  r1 = std::clamp<int64_t>(row - s / 2 + s, 0, height_);
    const int64_t c0 = std::clamp<int64_t>(col - s / 2, 0, width_),
                  c1 = std::clamp<int64_t>(col - s / 2 + s, 0, width_);
    for (int64_t r = r0; r < r1; ++r)
        std::fill(x + (r * width_ + c0) * channels_, x + (r * width_ + c1) * channels_, 0.0f);
}

}  // namespace nnlab
