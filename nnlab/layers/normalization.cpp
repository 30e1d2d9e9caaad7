// Normalization — per-feature standardisation with statistics adapted from the training data.
#include "nnlab/layers/normalization.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "nnlab/core/error.hpp"

namespace nnlab {
std::vector<float> Normalization::inverse_deviations() const {
    const Tensor& variance = variance_.value;
    std::vector<float> inverse(static_cast<size_t>(variance.numel()));
    for (int64_t c = 0; c < variance.numel(); ++c) {
        const double deviation = std::max(std::sqrt(std::max(static_cast<double>(variance[c]), 0.0)), epsilon);
        inverse[static_cast<size_t>(c)] = static_cast<float>(1.0 / deviation);
    }
    return inverse;
}

Normalization::Normalization(int64_t samples) : samples_(samples) {
    if (samples < 1)
        throw KeyError("samples", "samples: expected a positive integer, found " + std::to_string(samples));
}

Shape Normalization::build(const Shape& input) {
    if (input.rank() < 2)
        throw Error(error_prefix() + "expected an input with a batch axis and at least one more, found " +
                    input.to_string());
    const int64_t features = input[input.rank() - 1];
    mean_ = Param{.name = "mean", .shape = Shape{features}, .initializer = "zeros", .trainable = false};
    variance_ = Param{.name = "variance", .shape = Shape{features}, .initializer = "ones", .trainable = false};
    return input;
}

void Normalization::forward(const Tensor& x, Tensor& y, Mode) {
    const int64_t features = mean_.value.numel();
    const std::vector<float> inverse = inverse_deviations();
    const float* mean = mean_.value.data();
    const int64_t rows = x.numel() / features;
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
        const float* in = x.data() + r * features;
        float* out = y.data() + r * features;
        for (int64_t c = 0; c < features; ++c) out[c] = (in[c] - mean[c]) * inverse[static_cast<size_t>(c)];
    }
}

void Normalization::backward(const Tensor& dy, Tensor& dx) {
    if (dx.empty()) return;
    const int64_t features = mean_.value.numel();
    const std::vector<float> inverse = inverse_deviations();
    const int64_t rows = dy.numel() / features;
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < features; ++c)
            dx[r * features + c] = dy[r * features + c] * inverse[static_cast<size_t>(c)];
    }
}

void Normalization::adapt(const Tensor& x) {
    const int64_t features = mean_.value.numel();
    if (x.numel() == 0 || x.numel() % features != 0) {
        throw Error(error_prefix() + "adapt() expected examples whose last axis holds " + std::to_string(features) +
                    " features, found " + x.shape().to_string());
    }
    const int64_t rows = x.numel() / features;
    // Two passes in double, in a fixed order: the statistics do not depend on the thread count.
    std::vector<double> sum(static_cast<size_t>(features), 0.0), squares(static_cast<size_t>(features), 0.0);
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < features; ++c) sum[static_cast<size_t>(c)] += x[r * features + c];
    for (int64_t c = 0; c < features; ++c) sum[static_cast<size_t>(c)] /= static_cast<double>(rows);
    for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < features; ++c) {
            const double d = x[r * features + c] - sum[static_cast<size_t>(c)];
            squares[static_cast<size_t>(c)] += d * d;
        }
    }
    for (int64_t c = 0; c < features; ++c) {
        mean_.value[c] = static_cast<float>(sum[static_cast<size_t>(c)]);
        variance_.value[c] = static_cast<float>(squares[static_cast<size_t>(c)] / static_cast<double>(rows));
    }
}

}  // namespace nnlab
