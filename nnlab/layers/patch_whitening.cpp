// PatchWhitening — the whitening filters from the patches of sample images.
#include "nnlab/layers/patch_whitening.hpp"

#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/data/augment/zca.hpp"

namespace nnlab {
namespace {

Conv2D whitening_convolution(const PatchWhiteningOptions& o) {
    if (o.kernel_size < 1 || o.kernel_size > 64) {
        throw KeyError("kernel_size",
                       "kernel_size: expected an integer from 1 to 64, found " + std::to_string(o.kernel_size));
    }
    if (o.samples < 1)
        throw KeyError("samples", "samples: expected a positive integer, found " + std::to_string(o.samples));
    if (!(o.epsilon > 0.0) || !std::isfinite(o.epsilon))
        throw KeyError("epsilon", "epsilon: expected a number > 0, found " + std::to_string(o.epsilon));
    // The filter count needs the channels, known at build(); a placeholder of 1 is replaced there.
    return Conv2D(1, {o.kernel_size, o.kernel_size}, {.padding = "valid", .activation = o.activation});
}

}  // namespace

PatchWhitening::PatchWhitening(PatchWhiteningOptions options)
    : options_(std::move(options)), convolution_(whitening_convolution(options_)) {}

Shape PatchWhitening::build(const Shape& input) {
    const int64_t k = options_.kernel_size;
    if (input.rank() == 4 && input[3] > 0 && input[3] <= max_patch_size) {
        if (k * k * input[3] > max_patch_size) {
            throw Error(error_prefix() + "expected patches of at most " + std::to_string(max_patch_size) +
                        " values (kernel_size² × channels; the eigendecomposition is of their square), found " +
                        std::to_string(k) + "² × " + std::to_string(input[3]) + " = " +
                        std::to_string(k * k * input[3]));
        }
        convolution_ = Conv2D(2 * k * k * input[3], {k, k},
                              {.padding = "valid",
                               .activation = options_.activation,
                               .weights = {.kernel_initializer = "zeros", .bias_initializer = "zeros"}});
    }
    convolution_.set_name(name());
    const Shape output = convolution_.build(input);  // checks the rank and the image size, naming the layer
    if (input[3] > max_patch_size) {
        throw Error(error_prefix() + "expected at most " + std::to_string(max_patch_size) +
                    " input channels (a patch holds kernel_size² × channels values), found " +
                    std::to_string(input[3]));
    }
    // Set by adapt(), never by the optimizer: a non-trainable weight that the model file keeps.
    convolution_.kernel().trainable = false;
    return output;
}

void PatchWhitening::set_precision(Precision precision) {
    Layer::set_precision(precision);
    // Always float32: the filters scale the weakest patch components up by as much as 1/sqrt(epsilon) (45 at 5e-4),
    // and bfloat16's rounding of the input (2^-9 of each value) would be scaled up with them, into errors of ~10% in
    // those channels; in float32 the layer costs 0.2% of the airbench step.
    convolution_.set_precision(Precision::float32);
}

nlohmann::json PatchWhitening::config() const {
    return {{"kernel_size", options_.kernel_size},
            {"epsilon", options_.epsilon},
            {"samples", options_.samples},
            {"activation", options_.activation}};
}

std::vector<double> patch_second_moments(const Tensor& x, int64_t k) {
    if (x.shape().rank() != 4 || x.shape()[1] < k || x.shape()[2] < k)
        throw Error("patch_second_moments: expected images (n, H, W, C) of at least " + std::to_string(k) + "×" +
                    std::to_string(k) + ", found " + x.shape().to_string());
    const int64_t n = x.shape()[0], h = x.shape()[1], w = x.shape()[2], c = x.shape()[3];
    const int64_t d = k * k * c, rows = h - k + 1, cols = w - k + 1;
    if (d > max_patch_size) {
        throw Error("patch_second_moments: patches of " + std::to_string(d) + " values; at most " +
                    std::to_string(max_patch_size));
    }
    // Fixed chunks of images, each summed in order and then added in order: the same bits on any thread count.
    constexpr int64_t images_per_chunk = 64;
    const int64_t chunks = (n + images_per_chunk - 1) / images_per_chunk;
    std::vector<double> per_chunk(static_cast<size_t>(chunks * d * d), 0.0);
#pragma omp parallel for schedule(static)
    for (int64_t chunk = 0; chunk < chunks; ++chunk) {
        double* sum = per_chunk.data() + chunk * d * d;
        std::vector<double> patch(static_cast<size_t>(d));
        for (int64_t i = chunk * images_per_chunk; i < std::min(n, (chunk + 1) * images_per_chunk); ++i) {
            const float* image = x.data() + i * h * w * c;
            for (int64_t r = 0; r < rows; ++r) {
                for (int64_t q = 0; q < cols; ++q) {
                    for (int64_t dy = 0; dy < k; ++dy)
                        for (int64_t dx = 0; dx < k; ++dx)
                            for (int64_t ch = 0; ch < c; ++ch)
                                patch[static_cast<size_t>((dy * k + dx) * c + ch)] =
                                    image[((r + dy) * w + q + dx) * c + ch];
                    for (int64_t a = 0; a < d; ++a)
                        for (int64_t b = a; b < d; ++b) sum[a * d + b] += patch[size_t(a)] * patch[size_t(b)];
                }
            }
        }
    }
    std::vector<double> moments(static_cast<size_t>(d * d), 0.0);
    for (int64_t i = 0; i < chunks; ++i)
        for (int64_t j = 0; j < d * d; ++j) moments[size_t(j)] += per_chunk[size_t(i * d * d + j)];
    const double count = static_cast<double>(n * rows * cols);
    for (int64_t a = 0; a < d; ++a) {
        for (int64_t b = a; b < d; ++b) {
            moments[size_t(a * d + b)] /= count;
            moments[size_t(b * d + a)] = moments[size_t(a * d + b)];
        }
    }
    return moments;
}

void PatchWhitening::adapt(const Tensor& x) {
    const ConvGeometry& g = convolution_.geometry();
    if (x.shape().rank() != 4 || x.shape()[1] != g.in_h || x.shape()[2] != g.in_w || x.shape()[3] != g.in_c ||
        x.shape()[0] < 1) {
        throw Error(error_prefix() + "adapt() expected images (n, " + std::to_string(g.in_h) + ", " +
                    std::to_string(g.in_w) + ", " + std::to_string(g.in_c) + "), found " + x.shape().to_string());
    }
    const int64_t k = options_.kernel_size, c = g.in_c, d = k * k * c;
    std::vector<double> vectors = patch_second_moments(x.first_rows(std::min(x.shape()[0], options_.samples)), k);
    std::vector<double> values(static_cast<size_t>(d));
    symmetric_eigen(vectors, d, values);           // ascending; vector j in column j
    Tensor& kernel = convolution_.kernel().value;  // (k, k, C, 2d)
    for (int64_t f = 0; f < d; ++f) {
        const int64_t j = d - 1 - f;  // largest eigenvalue first
        const double scale = 1.0 / std::sqrt(std::max(values[size_t(j)], 0.0) + options_.epsilon);
        for (int64_t e = 0; e < d; ++e) {
            const auto v = static_cast<float>(vectors[size_t(e * d + j)] * scale);
            kernel[e * 2 * d + f] = v;
            kernel[e * 2 * d + d + f] = -v;
        }
    }
}

}  // namespace nnlab
