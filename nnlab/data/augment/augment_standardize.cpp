// Augmenter's standardisation — what ImageDataGenerator.fit learns from the training images (per-channel mean and
// std, the ZCA matrix) and standardize() applies to every image: samplewise and featurewise centring and scaling,
// ZCA whitening (Keras: keras.src.legacy.preprocessing.image.ImageDataGenerator.fit / standardize). Also how those
// statistics are kept with a model (statistics / restore), so that evaluation standardises as training did.
#include <algorithm>
#include <cmath>
#include <string>

#include "nnlab/core/error.hpp"
#include "nnlab/data/augment/augment.hpp"
#include "nnlab/data/augment/zca.hpp"
#include "nnlab/data/pixel_scale.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {

void Augmenter::standardize(const uint8_t* image, float* out, Whitening whitening) const {
    check_fitted();
    const int64_t n = height_ * width_ * channels_;
    const double* values = unit_pixel_values_double().data();
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(values[image[i]]);
    standardize_in_place(out);
    if (whitening == Whitening::per_image) whiten(out, 1);
}

void Augmenter::whiten(float* images, int64_t count) const {
    if (!config_.zca_whitening) return;
    check_fitted();
    const int64_t n = height_ * width_ * channels_;
    // One GEMM for the batch: (count, n)·(n, n). The matrix is only read; view_of wants a mutable pointer.
    const Tensor x = Tensor::view_of(images, Shape{count, n});
    const Tensor zca = Tensor::view_of(const_cast<float*>(zca_.data()), Shape{n, n});
    thread_local Tensor scratch;  // grows to the largest batch this thread whitens
    if (scratch.numel() < count * n) scratch = Tensor(Shape{count * n});
    Tensor out = Tensor::view_of(scratch.data(), Shape{count, n});
    gemm(x, zca, out);
    std::copy_n(out.data(), count * n, images);
}

void Augmenter::check_fitted() const {
    if (config_.needs_fit() && !fitted_) {
        const char* which = config_.zca_whitening                   ? "zca_whitening"
                            : config_.featurewise_std_normalization ? "featurewise_std_normalization"
                                                                    : "featurewise_center";
        throw Error(std::string("augment: ") + which +
                    " needs the training set's statistics: call fit() on the training images first "
                    "(Keras: datagen.fit(x_train))");
    }
}

void Augmenter::standardize_in_place(float* x) const {
    const int64_t n = height_ * width_ * channels_;
    const AugmentConfig& c = config_;
    if (c.samplewise_center) {
        double sum = 0.0;
        for (int64_t i = 0; i < n; ++i) sum += x[i];
        const auto mean = static_cast<float>(sum / static_cast<double>(n));
        for (int64_t i = 0; i < n; ++i) x[i] -= mean;
    }
    if (c.samplewise_std_normalization) {
        double mean = 0.0, squares = 0.0;  // np.std centres again; after samplewise_center the mean is ~0
        for (int64_t i = 0; i < n; ++i) mean += x[i];
        mean /= static_cast<double>(n);
        for (int64_t i = 0; i < n; ++i) squares += (x[i] - mean) * (x[i] - mean);
        const auto divisor = static_cast<float>(std::sqrt(squares / static_cast<double>(n))) + 1e-6f;
        for (int64_t i = 0; i < n; ++i) x[i] /= divisor;
    }
    if (c.featurewise_center) {
        for (int64_t i = 0; i < n; ++i) x[i] -= mean_[static_cast<size_t>(i % channels_)];
    }
    if (c.featurewise_std_normalization) {
        for (int64_t i = 0; i < n; ++i) x[i] /= std_[static_cast<size_t>(i % channels_)] + 1e-6f;
    }
}

void Augmenter::fit(const Dataset& train) {
    if (train.image_shape != image_shape_) {
        throw Error("augment fit: expected training images of shape " + image_shape_.to_string() + ", found " +
                    train.image_shape.to_string());
    }
    const int64_t count = train.size();
    const int64_t n = height_ * width_ * channels_;
    if (count < 1) throw Error("augment fit: expected at least one training image, found none");
    const double* values = unit_pixel_values_double().data();
    const int64_t pixels = count * height_ * width_;
    mean_.assign(static_cast<size_t>(channels_), 0.0f);
    std_.assign(static_cast<size_t>(channels_), 1.0f);
    std::vector<double> sum(static_cast<size_t>(channels_), 0.0);
    for (int64_t i = 0; i < count * n; ++i)
        sum[static_cast<size_t>(i % channels_)] += values[train.images[static_cast<size_t>(i)]];
    for (int64_t ch = 0; ch < channels_; ++ch) {
        mean_[static_cast<size_t>(ch)] = static_cast<float>(sum[static_cast<size_t>(ch)] / static_cast<double>(pixels));
    }
    if (config_.featurewise_std_normalization) {
        std::vector<double> squares(static_cast<size_t>(channels_), 0.0);
        for (int64_t i = 0; i < count * n; ++i) {
            const auto ch = static_cast<size_t>(i % channels_);
            const double d = values[train.images[static_cast<size_t>(i)]] - mean_[ch];
            squares[ch] += d * d;
        }
        for (int64_t ch = 0; ch < channels_; ++ch) {
            std_[static_cast<size_t>(ch)] =
                static_cast<float>(std::sqrt(squares[static_cast<size_t>(ch)] / static_cast<double>(pixels)));
        }
    }
    if (config_.zca_whitening) {
        // The Gram matrix xᵀx of the centred images, a chunk of rows at a time (a flat float copy of CIFAR-10
        // would take 600 MB).
        constexpr int64_t chunk_rows = 512;
        Tensor gram(Shape{n, n});
        Tensor chunk(Shape{std::min(count, chunk_rows), n});
        for (int64_t begin = 0; begin < count; begin += chunk_rows) {
            const int64_t rows = std::min(chunk_rows, count - begin);
            Tensor x = chunk.first_rows(rows);
            const uint8_t* bytes = train.image(begin);
            for (int64_t i = 0; i < rows * n; ++i) {
                x.data()[i] = static_cast<float>(values[bytes[i]]) - mean_[static_cast<size_t>(i % channels_)];
            }
            gemm(x, x, gram, {.trans_a = true, .accumulate = begin > 0});
        }
        zca_ = zca_whitening_matrix(gram, count, config_.zca_epsilon);
    }
    fitted_ = true;
}

FittedStatistics Augmenter::statistics() const {
    if (!fitted_ || !config_.needs_fit()) return {};
    return {.mean = mean_,
            .std = config_.featurewise_std_normalization ? std_ : std::vector<float>{},
            .zca = config_.zca_whitening ? zca_ : std::vector<float>{}};
}

void Augmenter::restore(FittedStatistics statistics) {
    if (!config_.needs_fit()) {
        if (!statistics.mean.empty() || !statistics.std.empty() || !statistics.zca.empty())
            throw Error("augment: statistics given for a standardisation that fits none");
        return;
    }
    const auto channels = static_cast<size_t>(channels_);
    const auto features = static_cast<size_t>(height_ * width_ * channels_);
    const auto check = [](bool ok, const std::string& what) {
        if (!ok) throw Error("augment: the fitted statistics do not fit this standardisation: " + what);
    };
    check(statistics.mean.size() == channels, "expected a mean per channel (" + std::to_string(channels) + "), found " +
                                                  std::to_string(statistics.mean.size()));
    check(statistics.std.size() == channels || (!config_.featurewise_std_normalization && statistics.std.empty()),
          "expected a standard deviation per channel (" + std::to_string(channels) + "), found " +
              std::to_string(statistics.std.size()));
    check(config_.zca_whitening ? statistics.zca.size() == features * features : statistics.zca.empty(),
          "expected a ZCA matrix of " + std::to_string(config_.zca_whitening ? features * features : 0) +
              " values, found " + std::to_string(statistics.zca.size()));
    mean_ = std::move(statistics.mean);
    std_ = statistics.std.empty() ? std::vector<float>(channels, 1.0f) : std::move(statistics.std);
    zca_ = std::move(statistics.zca);
    fitted_ = true;
}

}  // namespace nnlab
