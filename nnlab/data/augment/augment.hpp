// Augmenter — random image transforms with Keras ImageDataGenerator semantics, plus the standard
// CIFAR recipes (random crop with padding, cutout). Images stay uint8 until the batch is made.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "nnlab/core/rng.hpp"
#include "nnlab/core/shape.hpp"
#include "nnlab/data/dataset.hpp"

namespace nnlab {

// How points outside the image are filled (Keras fill_mode, passed to scipy.ndimage as its mode).
enum class FillMode { nearest, constant, reflect, wrap };
// How random crops pad the border.
enum class PadMode { reflect, zero };

// The ImageDataGenerator arguments, with Keras's defaults (everything off).
struct AugmentConfig {
    double rotation_range = 0.0;  // degrees, uniform in ±r
    // < 1: fraction of the size; a whole number ≥ 1: Keras's int (pixels, ±[0, v)); else pixels, uniform in ±v.
    // As in Keras (since keras-preprocessing 1.1.2), the width shift moves the image vertically and the height
    // shift horizontally; see augment.cpp.
    double width_shift_range = 0.0;   // the amount is a fraction of the width
    double height_shift_range = 0.0;  // the amount is a fraction of the height
    double shear_range = 0.0;         // shear angle in degrees, uniform in ±
    double zoom_low = 1.0;            // zoom_range [low, high]; Keras's float z means [1 − z, 1 + z]
    double zoom_high = 1.0;
    double channel_shift_range = 0.0;                           // on the 0–255 pixel scale
    std::optional<std::pair<double, double>> brightness_range;  // factor uniform in [low, high]
    bool horizontal_flip = false;                               // p = 0.5
    // airbench's alternating flip (config: horizontal_flip = "alternating"): each image is mirrored or not at random
    // once for the whole run, and every odd epoch mirrors the whole set, so an image is seen both ways in turn
    // rather than by chance. Needs the image's index and the epoch (ImageInRun); replaces horizontal_flip's draw.
    bool alternating_flip = false;
    bool vertical_flip = false;  // p = 0.5
    FillMode fill_mode = FillMode::nearest;
    double cval = 0.0;  // constant fill, on the 0–255 pixel scale
    // Standardisation; the featurewise ones and ZCA need fit() on the training images. As in Keras,
    // zca_whitening turns featurewise_center on and featurewise_std_normalization off, and each *_std_normalization
    // turns its *_center on (the Augmenter's config() shows the result).
    bool featurewise_center = false;
    bool featurewise_std_normalization = false;
    bool samplewise_center = false;
    bool samplewise_std_normalization = false;
    bool zca_whitening = false;
    double zca_epsilon = 1e-6;
    // CIFAR recipes, applied after the Keras transforms.
    int64_t random_crop_padding = 0;  // pad by this many pixels, then crop back to size at a random offset
    PadMode random_crop_pad_mode = PadMode::reflect;
    int64_t cutout_size = 0;  // side of one square zeroed at a random centre (0: off)

    bool any_random_transform() const;
    bool needs_fit() const { return featurewise_center || featurewise_std_normalization || zca_whitening; }
};

// Which image of the training set is being augmented, in which epoch of the run (for alternating_flip).
struct ImageInRun {
    uint64_t seed = 0;    // the run's
    int64_t example = 0;  // the image's index in the training set
    int epoch = 0;
};

// One draw of the random parameters, named as Keras's get_random_transform names them, plus the CIFAR recipes.
struct AugmentParams {
    double theta = 0.0;  // rotation, degrees
    double tx = 0.0;     // from height_shift_range, pixels (Keras's tx)
    double ty = 0.0;     // from width_shift_range, pixels (Keras's ty)
    double shear = 0.0;  // degrees
    double zx = 1.0;
    double zy = 1.0;
    bool flip_horizontal = false;
    bool flip_vertical = false;
    std::optional<double> channel_shift_intensity;  // 0–255 scale
    std::optional<double> brightness;
    int64_t crop_row = 0;  // top-left corner of the crop in the padded image, in [0, 2·padding]
    int64_t crop_col = 0;
    int64_t cutout_row = -1;  // centre of the cutout square; -1 when cutout is off
    int64_t cutout_col = -1;
};

// What fit() learns from the training images, kept with a trained model so that its inputs are standardised as in
// training (Keras 3 keeps such statistics in its Normalization layer's weights).
struct FittedStatistics {
    std::vector<float> mean;  // per channel (featurewise_center, and under zca_whitening)
    std::vector<float> std;   // per channel (featurewise_std_normalization); empty without it
    std::vector<float> zca;   // (H·W·C)², row-major (zca_whitening); empty without it
    bool empty() const { return mean.empty() && std.empty() && zca.empty(); }
};

// ZCA whitening multiplies each image by a (H·W·C)² matrix: per image that reads the whole matrix for every image,
// so batch builders defer it and whiten the batch with one GEMM.
enum class Whitening { per_image, deferred };

class Augmenter {
public:
    // Throws nnlab::KeyError naming the config key that is out of range.
    Augmenter(AugmentConfig config, Shape image_shape);

    // What datagen.fit(x_train) does: per-channel mean and std, the ZCA matrix, from images / 255.
    void fit(const Dataset& train);

    // One training image: random transform drawn from rng, then standardisation; writes H·W·C floats
    // on the seed's scale (pixel / 255) into out. Equals apply(image, out, draw(rng)).
    void augment(const uint8_t* image, float* out, Rng& rng, Whitening whitening = Whitening::per_image) const;
    // The same for one image of a run: alternating_flip decides its mirroring from `at`.
    void augment(const uint8_t* image, float* out, Rng& rng, Whitening whitening, const ImageInRun& at) const;
    // Whether alternating_flip mirrors this image in this epoch: a fixed coin per image, turned over on odd epochs.
    static bool alternating_flip(const ImageInRun& at);
    // No random transform, only the standardisation (for validation and test images).
    void standardize(const uint8_t* image, float* out, Whitening whitening = Whitening::per_image) const;
    // What fit() learnt (empty when the standardisation needs no fit, or before fit), and the way back: restore()
    // makes the augmenter fitted with those statistics. Throws nnlab::Error when their sizes do not fit the image
    // shape and the config.
    FittedStatistics statistics() const;
    void restore(FittedStatistics statistics);
    // ZCA whitening of `count` images that were built with Whitening::deferred, in place; nothing without
    // zca_whitening.
    void whiten(float* images, int64_t count) const;

    // The two halves of augment(), public so tests can see and choose the parameters.
    AugmentParams draw(Rng& rng) const;
    void apply(const uint8_t* image, float* out, const AugmentParams& params,
               Whitening whitening = Whitening::per_image) const;

    const AugmentConfig& config() const { return config_; }
    const Shape& image_shape() const { return image_shape_; }
    bool fitted() const { return fitted_; }
    const std::vector<float>& mean() const { return mean_; }  // per channel, after fit (featurewise_center)
    const std::vector<float>& std() const { return std_; }    // per channel, after fit (featurewise_std_normalization)
    const std::vector<float>& zca_matrix() const { return zca_; }

private:
    double draw_shift(Rng& rng, double range, int64_t size) const;
    void check_fitted() const;
    // Standardisation of one image already on the pixel/255 scale, in place (Keras's standardize order).
    void standardize_in_place(float* x) const;
    void random_crop(float* x, int64_t row, int64_t col) const;
    void cutout(float* x, int64_t row, int64_t col) const;

    AugmentConfig config_;
    Shape image_shape_;
    int64_t height_ = 0, width_ = 0, channels_ = 0;
    bool fitted_ = false;
    std::vector<float> mean_;  // per channel, featurewise
    std::vector<float> std_;
    std::vector<float> zca_;  // (H·W·C)², when zca_whitening
};

}  // namespace nnlab
