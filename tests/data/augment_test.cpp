// Tests of the Augmenter's config checks, pixel-value transforms (channel shift, brightness), CIFAR recipes
// (random crop, cutout), standardisation (featurewise, samplewise, ZCA) and determinism.
#include "nnlab/data/augment/augment.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/data/augment/zca.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;

float scaled(int v) {
    return static_cast<float>(v) / 255.0f;
}

std::vector<float> run(const Augmenter& augmenter, const std::vector<uint8_t>& img, const AugmentParams& p) {
    std::vector<float> out(img.size());
    augmenter.apply(img.data(), out.data(), p);
    return out;
}

// The KeyError the constructor throws for config, with its key and message.
void expect_key_error(const AugmentConfig& config, const std::string& key, const std::string& text,
                      const Shape& shape = Shape{8, 8, 3}) {
    try {
        Augmenter augmenter(config, shape);
        ADD_FAILURE() << "no error for " << key;
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), key);
        EXPECT_THAT(e.what(), HasSubstr(key + ": expected"));
        EXPECT_THAT(e.what(), HasSubstr(text));
    }
}

TEST(AugmentConfigCheck, EachOutOfRangeKeyIsNamed) {
    AugmentConfig c;
    c.rotation_range = -5;
    expect_key_error(c, "rotation_range", "found -5");
    c = {}, c.width_shift_range = -0.1;
    expect_key_error(c, "width_shift_range", "found -0.1");
    c = {}, c.height_shift_range = -1;
    expect_key_error(c, "height_shift_range", "found -1");
    c = {}, c.shear_range = -2;
    expect_key_error(c, "shear_range", "found -2");
    c = {}, c.channel_shift_range = -3;
    expect_key_error(c, "channel_shift_range", "found -3");
    c = {}, c.zoom_low = 0, c.zoom_high = 1;
    expect_key_error(c, "zoom_range", "found [0, 1]");
    c = {}, c.zoom_low = 1.2, c.zoom_high = 0.8;
    expect_key_error(c, "zoom_range", "0 < low ≤ high");
    c = {}, c.brightness_range = std::pair{1.5, 0.5};
    expect_key_error(c, "brightness_range", "found [1.5, 0.5]");
    c = {}, c.brightness_range = std::pair{-0.5, 0.5};
    expect_key_error(c, "brightness_range", "0 ≤ low");
    c = {}, c.cval = 300;
    expect_key_error(c, "cval", "found 300");
    c = {}, c.random_crop_padding = -1;
    expect_key_error(c, "random_crop_padding", "found -1");
    c = {}, c.cutout_size = 9;
    expect_key_error(c, "cutout_size", "[0, 8]");
    c = {}, c.cutout_size = 5;
    expect_key_error(c, "cutout_size", "[0, 4]", Shape{4, 10, 1});
    c = {}, c.zca_whitening = true;
    expect_key_error(c, "zca_whitening", "(64, 64, 3) = 12288 values", Shape{64, 64, 3});
}

TEST(AugmentConfigCheck, ImageShapeNeedsThreePositiveDimensions) {
    EXPECT_THROW(Augmenter({}, Shape{8, 8, 0}), Error);
    EXPECT_THROW(Augmenter({}, Shape{8, 8}), Error);
}

TEST(AugmentConfigCheck, KerasOverridesAreApplied) {
    AugmentConfig c;
    c.zca_whitening = true;
    c.featurewise_std_normalization = true;
    c.samplewise_std_normalization = true;
    const Augmenter augmenter(c, Shape{2, 2, 1});
    EXPECT_TRUE(augmenter.config().featurewise_center);
    EXPECT_FALSE(augmenter.config().featurewise_std_normalization);
    EXPECT_TRUE(augmenter.config().samplewise_center);
}

TEST(AugmentPixels, ChannelShiftClipsToTheImagesOwnMinAndMax) {
    const std::vector<uint8_t> img{50, 100, 200, 120, 60, 80};  // 1×2×3
    const Augmenter augmenter({}, Shape{1, 2, 3});
    AugmentParams up;
    up.channel_shift_intensity = 100;
    const auto u = run(augmenter, img, up);
    const float shift = static_cast<float>(100.0 / 255.0);
    EXPECT_EQ(u[0], scaled(50) + shift);
    EXPECT_EQ(u[1], scaled(200));  // 100 + 100 clipped to the image's max, 200
    EXPECT_EQ(u[2], scaled(200));
    AugmentParams down;
    down.channel_shift_intensity = -45;
    const auto d = run(augmenter, img, down);
    EXPECT_EQ(d[0], scaled(50));  // clipped to the min, 50
    EXPECT_EQ(d[2], scaled(200) - static_cast<float>(45.0 / 255.0));
}

TEST(AugmentPixels, BrightnessTruncatesAndClipsAsPil) {
    const std::vector<uint8_t> img{0, 3, 101, 200, 255, 170};
    const Augmenter augmenter({}, Shape{1, 2, 3});
    AugmentParams dim;
    dim.brightness = 0.5;
    EXPECT_EQ(run(augmenter, img, dim),
              (std::vector<float>{0, scaled(1), scaled(50), scaled(100), scaled(127), scaled(85)}));
    AugmentParams bright;
    bright.brightness = 1.5;
    EXPECT_EQ(run(augmenter, img, bright),
              (std::vector<float>{0, scaled(4), scaled(151), scaled(255), scaled(255), scaled(255)}));
}

// A 4×4 grey image with value 10·r + c.
std::vector<uint8_t> grid4() {
    std::vector<uint8_t> img;
    for (int r = 0; r < 4; ++r) {
        for (int c = 0; c < 4; ++c) img.push_back(static_cast<uint8_t>(10 * r + c));
    }
    return img;
}

TEST(AugmentCrop, ReflectPaddingHasNoEdgeRepeat) {
    AugmentConfig c;
    c.random_crop_padding = 2;
    const Augmenter augmenter(c, Shape{4, 4, 1});
    AugmentParams p;
    p.crop_row = 0;  // rows −2..1 of the image: reflect −2 → 2, −1 → 1
    p.crop_col = 4;  // columns 2..5: 4 → 2, 5 → 1
    const auto out = run(augmenter, grid4(), p);
    const std::vector<int> rows{2, 1, 0, 1}, cols{2, 3, 2, 1};
    for (int r = 0; r < 4; ++r) {
        for (int col = 0; col < 4; ++col)
            EXPECT_EQ(out[static_cast<size_t>(4 * r + col)], scaled(10 * rows[r] + cols[col]));
    }
}

TEST(AugmentCrop, ZeroPaddingAndTheCentredCropIsTheImage) {
    AugmentConfig c;
    c.random_crop_padding = 1;
    c.random_crop_pad_mode = PadMode::zero;
    const Augmenter augmenter(c, Shape{4, 4, 1});
    AugmentParams p;
    p.crop_row = 2, p.crop_col = 0;  // image rows 1..4, columns −1..2
    const auto out = run(augmenter, grid4(), p);
    for (int r = 0; r < 4; ++r) {
        for (int col = 0; col < 4; ++col) {
            const int sr = r + 1, sc = col - 1;
            const float want = (sr > 3 || sc < 0) ? 0.0f : scaled(10 * sr + sc);
            EXPECT_EQ(out[static_cast<size_t>(4 * r + col)], want) << r << ", " << col;
        }
    }
    p.crop_row = p.crop_col = 1;
    const auto centred = run(augmenter, grid4(), p);
    for (int i = 0; i < 16; ++i) EXPECT_EQ(centred[static_cast<size_t>(i)], scaled(grid4()[static_cast<size_t>(i)]));
}

TEST(AugmentCutout, SquareOfSideSizeClippedAtTheBorder) {
    AugmentConfig c;
    c.cutout_size = 4;
    const Augmenter augmenter(c, Shape{8, 8, 2});
    std::vector<uint8_t> img(128, 200);
    AugmentParams p;
    p.cutout_row = 1, p.cutout_col = 6;  // rows [−1, 3) → [0, 3), columns [4, 8)
    const auto out = run(augmenter, img, p);
    int zeros = 0;
    for (int r = 0; r < 8; ++r) {
        for (int col = 0; col < 8; ++col) {
            const bool inside = r < 3 && col >= 4;
            for (int k = 0; k < 2; ++k) {
                EXPECT_EQ(out[static_cast<size_t>((8 * r + col) * 2 + k)], inside ? 0.0f : scaled(200))
                    << r << ", " << col;
                zeros += inside;
            }
        }
    }
    EXPECT_EQ(zeros, 3 * 4 * 2);
    c.cutout_size = 3;  // odd: rows [cy − 1, cy + 2)
    const Augmenter odd(c, Shape{8, 8, 2});
    p.cutout_row = p.cutout_col = 4;
    const auto o = run(odd, img, p);
    int odd_zeros = 0;
    for (size_t i = 0; i < o.size(); ++i) odd_zeros += o[i] == 0.0f;
    EXPECT_EQ(odd_zeros, 3 * 3 * 2);
    EXPECT_EQ(o[(8 * 3 + 3) * 2], 0.0f);
    EXPECT_EQ(o[(8 * 5 + 5) * 2], 0.0f);
    EXPECT_EQ(o[(8 * 6 + 6) * 2], scaled(200));
}

// Two 1×2 images with 2 channels: channel 0 holds 0, 51, 102, 255; channel 1 holds 10, 10, 20, 40.
Dataset tiny_dataset() {
    Dataset d;
    d.image_shape = Shape{1, 2, 2};
    d.images = {0, 10, 51, 10, 102, 20, 255, 40};
    d.labels = {0, 1};
    d.class_names = {"a", "b"};
    return d;
}

TEST(AugmentStandardize, FeaturewiseUsesPerChannelMeanAndStdOfTheTrainingPixels) {
    AugmentConfig c;
    c.featurewise_std_normalization = true;  // turns featurewise_center on, as in Keras
    Augmenter augmenter(c, Shape{1, 2, 2});
    const Dataset d = tiny_dataset();
    augmenter.fit(d);
    const double m0 = (0 + 51 + 102 + 255) / 4.0 / 255, m1 = (10 + 10 + 20 + 40) / 4.0 / 255;
    const auto sd = [](std::vector<double> v, double m) {
        double s = 0;
        for (double x : v) s += (x / 255 - m) * (x / 255 - m);
        return std::sqrt(s / 4);
    };
    const double s0 = sd({0, 51, 102, 255}, m0), s1 = sd({10, 10, 20, 40}, m1);
    EXPECT_NEAR(augmenter.mean()[0], m0, 1e-7);
    EXPECT_NEAR(augmenter.mean()[1], m1, 1e-7);
    EXPECT_NEAR(augmenter.std()[0], s0, 1e-7);
    EXPECT_NEAR(augmenter.std()[1], s1, 1e-7);
    std::vector<float> out(4);
    augmenter.standardize(d.image(1), out.data());
    EXPECT_NEAR(out[0], (102 / 255.0 - m0) / (s0 + 1e-6), 1e-5);
    EXPECT_NEAR(out[1], (20 / 255.0 - m1) / (s1 + 1e-6), 1e-5);
    EXPECT_NEAR(out[3], (40 / 255.0 - m1) / (s1 + 1e-6), 1e-5);
}

TEST(AugmentStandardize, SamplewiseUsesTheImagesOwnMeanAndStd) {
    AugmentConfig c;
    c.samplewise_std_normalization = true;
    const Augmenter augmenter(c, Shape{1, 2, 2});
    const std::vector<uint8_t> img{0, 51, 102, 255};
    std::vector<float> out(4);
    augmenter.standardize(img.data(), out.data());
    const double m = (0 + 51 + 102 + 255) / 4.0 / 255;
    double s = 0;
    for (int v : img) s += (v / 255.0 - m) * (v / 255.0 - m);
    s = std::sqrt(s / 4);
    for (int i = 0; i < 4; ++i)
        EXPECT_NEAR(out[static_cast<size_t>(i)], (img[static_cast<size_t>(i)] / 255.0 - m) / (s + 1e-6), 1e-5);
}

TEST(AugmentStandardize, UnfittedAugmenterThatNeedsFitThrows) {
    AugmentConfig c;
    c.featurewise_center = true;
    c.horizontal_flip = true;
    const Augmenter augmenter(c, Shape{1, 2, 2});
    const std::vector<uint8_t> img(4, 1);
    std::vector<float> out(4);
    Rng rng(1);
    try {
        augmenter.augment(img.data(), out.data(), rng);
        ADD_FAILURE() << "augment did not throw";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("featurewise_center"));
        EXPECT_THAT(e.what(), HasSubstr("call fit()"));
    }
    EXPECT_THROW(augmenter.standardize(img.data(), out.data()), Error);
}

TEST(AugmentZca, EigenSolverFindsTheEigenpairsOfASymmetricMatrix) {
    const std::vector<double> original{2, 1, 0, 1, 2, 0, 0, 0, 5};  // eigenvalues 1, 3, 5
    std::vector<double> a = original, values;
    symmetric_eigen(a, 3, values);
    ASSERT_EQ(values.size(), 3u);
    EXPECT_NEAR(values[0], 1, 1e-12);
    EXPECT_NEAR(values[1], 3, 1e-12);
    EXPECT_NEAR(values[2], 5, 1e-12);
    for (int k = 0; k < 3; ++k) {  // A·u = λ·u for the vector in column k, and |u| = 1
        double norm = 0;
        for (int i = 0; i < 3; ++i) {
            double row = 0;
            for (int j = 0; j < 3; ++j)
                row += original[static_cast<size_t>(3 * i + j)] * a[static_cast<size_t>(3 * j + k)];
            EXPECT_NEAR(row, values[static_cast<size_t>(k)] * a[static_cast<size_t>(3 * i + k)], 1e-12) << k;
            norm += a[static_cast<size_t>(3 * i + k)] * a[static_cast<size_t>(3 * i + k)];
        }
        EXPECT_NEAR(norm, 1, 1e-12);
    }
    std::vector<double> not_square(5);
    EXPECT_THROW(symmetric_eigen(not_square, 2, values), Error);
}

TEST(AugmentZca, MatrixMatchesKerasFormulaOnAHandComputedCase) {
    // Four 1×1×2 images; the channels, centred, are ±10/255 and ±20/255 on different images, so xᵀx is
    // diag(2·(10/255)², 2·(20/255)²) and Keras's matrix is diag(sqrt(4) / s) with s = sqrt(2)·10/255, sqrt(2)·20/255.
    Dataset d;
    d.image_shape = Shape{1, 1, 2};
    d.images = {110, 100, 90, 100, 100, 120, 100, 80};
    d.labels = {0, 0, 0, 0};
    d.class_names = {"x"};
    AugmentConfig c;
    c.zca_whitening = true;
    Augmenter augmenter(c, d.image_shape);
    augmenter.fit(d);
    const std::vector<float>& zca = augmenter.zca_matrix();
    ASSERT_EQ(zca.size(), 4u);
    EXPECT_NEAR(zca[0], 2.0 * 255.0 / (std::sqrt(2.0) * 10.0), 1e-3);
    EXPECT_NEAR(zca[3], 2.0 * 255.0 / (std::sqrt(2.0) * 20.0), 1e-3);
    EXPECT_NEAR(zca[1], 0.0, 1e-4);
    EXPECT_NEAR(zca[2], 0.0, 1e-4);
}

TEST(AugmentZca, FewerImagesThanValuesKeepsOnlyTheirSpan) {
    // Keras's economy svd keeps min(n, d) = 3 directions of 12: the matrix has rank 3 and whitens the three
    // training images (centred) to an orthonormal-scaled set: (XZ)ᵀ(XZ)/n has eigenvalues 1, 1, 1 and the rest 0.
    Dataset d;
    d.image_shape = Shape{2, 2, 3};
    Rng rng(5);
    for (int i = 0; i < 3; ++i) {
        for (int k = 0; k < 12; ++k) d.images.push_back(static_cast<uint8_t>(rng.below(256)));
        d.labels.push_back(0);
    }
    d.class_names = {"x"};
    AugmentConfig c;
    c.zca_whitening = true;
    c.zca_epsilon = 0.0;
    Augmenter augmenter(c, d.image_shape);
    augmenter.fit(d);
    std::vector<double> second(144, 0.0);
    std::vector<float> out(12);
    for (int64_t i = 0; i < d.size(); ++i) {
        augmenter.standardize(d.image(i), out.data());
        for (size_t a = 0; a < 12; ++a)
            for (size_t b = 0; b < 12; ++b) second[12 * a + b] += out[a] * out[b] / 3.0;
    }
    std::vector<double> values;
    symmetric_eigen(second, 12, values);
    for (int k = 0; k < 12; ++k) EXPECT_NEAR(values[static_cast<size_t>(k)], k < 9 ? 0.0 : 1.0, 1e-3) << k;
}

TEST(AugmentZca, BatchWhiteningEqualsPerImageWhitening) {
    Dataset d;
    d.image_shape = Shape{3, 3, 3};
    Rng rng(11);
    for (int i = 0; i < 40; ++i) {
        for (int k = 0; k < 27; ++k) d.images.push_back(static_cast<uint8_t>(rng.below(256)));
        d.labels.push_back(0);
    }
    d.class_names = {"x"};
    AugmentConfig c;
    c.zca_whitening = true;
    c.horizontal_flip = true;
    Augmenter augmenter(c, d.image_shape);
    augmenter.fit(d);
    std::vector<float> per_image(27 * 5), deferred(27 * 5);
    for (int i = 0; i < 5; ++i) {
        Rng a(100 + static_cast<uint64_t>(i)), b(100 + static_cast<uint64_t>(i));
        augmenter.augment(d.image(i), per_image.data() + 27 * i, a);
        augmenter.augment(d.image(i), deferred.data() + 27 * i, b, Whitening::deferred);
    }
    EXPECT_NE(per_image, deferred);  // not yet whitened
    augmenter.whiten(deferred.data(), 5);
    for (size_t i = 0; i < per_image.size(); ++i) EXPECT_NEAR(deferred[i], per_image[i], 1e-4) << i;
}

TEST(AugmentZca, WhitenedTrainingDataHasIdentityCovariance) {
    // 300 random 2×2×2 images (d = 8) with correlated channels.
    Dataset d;
    d.image_shape = Shape{2, 2, 2};
    Rng rng(7);
    for (int i = 0; i < 300; ++i) {
        const double base = rng.uniform(0, 120);
        for (int k = 0; k < 8; ++k) d.images.push_back(static_cast<uint8_t>(base + rng.uniform(0, 40 + 10 * k)));
        d.labels.push_back(0);
    }
    d.class_names = {"x"};
    AugmentConfig c;
    c.zca_whitening = true;
    Augmenter augmenter(c, d.image_shape);
    augmenter.fit(d);
    std::vector<double> second(64, 0.0);
    std::vector<float> out(8);
    for (int64_t i = 0; i < d.size(); ++i) {
        augmenter.standardize(d.image(i), out.data());
        for (int a = 0; a < 8; ++a) {
            for (int b = 0; b < 8; ++b)
                second[static_cast<size_t>(8 * a + b)] += out[static_cast<size_t>(a)] * out[static_cast<size_t>(b)];
        }
    }
    // Keras centres by the channel mean before the svd, so it is the second moment about that mean that whitens.
    for (int a = 0; a < 8; ++a) {
        for (int b = 0; b < 8; ++b) {
            EXPECT_NEAR(second[static_cast<size_t>(8 * a + b)] / 300.0, a == b ? 1.0 : 0.0, 2e-3) << a << ", " << b;
        }
    }
}

TEST(AugmentDeterminism, SameSeedSameBitsOtherSeedOtherBits) {
    AugmentConfig c;
    c.rotation_range = 15, c.width_shift_range = 0.1, c.height_shift_range = 0.1, c.horizontal_flip = true;
    c.zoom_low = 0.9, c.zoom_high = 1.1, c.channel_shift_range = 20, c.random_crop_padding = 2, c.cutout_size = 3;
    const Augmenter augmenter(c, Shape{8, 8, 3});
    std::vector<uint8_t> img(192);
    for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<uint8_t>(i * 37 % 251);
    const auto epoch = [&](uint64_t seed) {
        Rng rng(seed, "augment");
        std::vector<float> all, out(192);
        for (int i = 0; i < 50; ++i) {
            augmenter.augment(img.data(), out.data(), rng);
            all.insert(all.end(), out.begin(), out.end());
        }
        return all;
    };
    EXPECT_EQ(epoch(3), epoch(3));
    EXPECT_NE(epoch(3), epoch(4));
}

TEST(AugmentDeterminism, FlipsAndCropAloneCopyPixelsExactly) {
    AugmentConfig c;
    c.horizontal_flip = c.vertical_flip = true;
    c.random_crop_padding = 2;
    const Augmenter augmenter(c, Shape{4, 4, 1});
    Rng rng(5);
    std::vector<float> out(16);
    const auto img = grid4();
    for (int i = 0; i < 20; ++i) {
        augmenter.augment(img.data(), out.data(), rng);
        for (float v : out) {
            const auto byte = static_cast<int>(std::lround(v * 255.0f));
            EXPECT_EQ(v, scaled(byte));  // every value is some byte / 255.0f, bit for bit
        }
    }
}

}  // namespace
}  // namespace nnlab
