// Bias, row sums and activations on the CPU: vectorisable loops, threaded with OpenMP
// (the runtime oneDNN uses here), split so that every result is summed in a fixed order.
#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

// Below this many elements a parallel region costs more than it saves.
constexpr int64_t parallel_threshold = 1 << 15;
constexpr float leaky_slope = 0.2f;  // keras.activations.leaky_relu's default
constexpr float inv_sqrt2 = 0.70710678118654752f;
constexpr float inv_sqrt_2pi = 0.39894228040143268f;

}  // namespace

void add_row_bias(Tensor& y, const Tensor& bias) {
    const int64_t n = y.rows(), c = y.cols();
    if (bias.numel() != c)
        throw Error(
            "add_row_bias: bias of " + std::to_string(bias.numel()) + " values for rows of " + std::to_string(c),
            ErrorKind::failure);
    float* out = y.data();
    const float* b = bias.data();
#pragma omp parallel for schedule(static) if (n * c >= parallel_threshold)
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < c; ++j) out[i * c + j] += b[j];
}

void sum_rows(const Tensor& x, Tensor& out, bool accumulate) {
    const int64_t n = x.rows(), c = x.cols();
    if (out.numel() != c)
        throw Error("sum_rows: output of " + std::to_string(out.numel()) + " values for rows of " + std::to_string(c),
                    ErrorKind::failure);
    const float* in = x.data();
    float* o = out.data();
    if (!accumulate) std::fill_n(o, c, 0.0f);
    // Rows are added in order for each column, so the result does not depend on thread count.
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < c; ++j) o[j] += in[i * c + j];
}

void activation_forward(ActivationKind kind, const Tensor& x, Tensor& y) {
    check_same_shape("activation_forward", x, y);
    const int64_t count = x.numel();
    const float* in = x.data();
    float* out = y.data();
    switch (kind) {
        case ActivationKind::linear:
            if (in != out) std::copy_n(in, count, out);
            return;
        case ActivationKind::relu:
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
            // std::max's semantics (NaN passes through) as a select: GCC 12 leaves std::max here as a scalar
            // branch, this vectorises.
            for (int64_t i = 0; i < count; ++i) out[i] = in[i] < 0.0f ? 0.0f : in[i];
            return;
        case ActivationKind::tanh:
#pragma omp parallel for schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) out[i] = std::tanh(in[i]);
            return;
        case ActivationKind::sigmoid:
#pragma omp parallel for schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) out[i] = 1.0f / (1.0f + std::exp(-in[i]));
            return;
        case ActivationKind::softmax: {
            const int64_t rows = x.rows(), cols = x.cols();
#pragma omp parallel for schedule(static) if (count >= parallel_threshold)
            for (int64_t r = 0; r < rows; ++r) {
                const float* row = in + r * cols;
                float* dst = out + r * cols;
                const float top = *std::max_element(row, row + cols);
                float total = 0.0f;
                for (int64_t j = 0; j < cols; ++j) {
                    dst[j] = std::exp(row[j] - top);
                    total += dst[j];
                }
                const float scale = 1.0f / total;
                for (int64_t j = 0; j < cols; ++j) dst[j] *= scale;
            }
            return;
        }
        case ActivationKind::leaky_relu:
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) out[i] = in[i] > 0.0f ? in[i] : leaky_slope * in[i];
            return;
        case ActivationKind::elu:
#pragma omp parallel for schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) out[i] = in[i] > 0.0f ? in[i] : std::expm1(in[i]);
            return;
        case ActivationKind::gelu:
#pragma omp parallel for schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) out[i] = 0.5f * in[i] * (1.0f + std::erf(in[i] * inv_sqrt2));
            return;
        case ActivationKind::swish:
#pragma omp parallel for schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) out[i] = in[i] / (1.0f + std::exp(-in[i]));
            return;
        case ActivationKind::softplus:
            // log(1 + eˣ) = max(x, 0) + log1p(e^−|x|), which neither overflows nor loses small values.
#pragma omp parallel for schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) out[i] = std::max(in[i], 0.0f) + std::log1p(std::exp(-std::abs(in[i])));
            return;
    }
}

void activation_backward(ActivationKind kind, const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx) {
    check_same_shape("activation_backward", y, dy);
    check_same_shape("activation_backward", y, dx);
    if (activation_needs_input(kind)) check_same_shape("activation_backward", y, x);
    const int64_t count = y.numel();
    const float* in = x.data();
    const float* out = y.data();
    const float* g = dy.data();
    float* d = dx.data();
    switch (kind) {
        case ActivationKind::linear:
            if (g != d) std::copy_n(g, count, d);
            return;
        case ActivationKind::relu:
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) d[i] = out[i] > 0.0f ? g[i] : 0.0f;
            return;
        case ActivationKind::tanh:
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) d[i] = (1.0f - out[i] * out[i]) * g[i];
            return;
        case ActivationKind::sigmoid:
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) d[i] = out[i] * (1.0f - out[i]) * g[i];
            return;
        case ActivationKind::softmax: {
            const int64_t rows = y.rows(), cols = y.cols();
            for (int64_t r = 0; r < rows; ++r) {
                float dot = 0.0f;
                for (int64_t j = 0; j < cols; ++j) dot += g[r * cols + j] * out[r * cols + j];
                for (int64_t j = 0; j < cols; ++j) d[r * cols + j] = out[r * cols + j] * (g[r * cols + j] - dot);
            }
            return;
        }
        case ActivationKind::leaky_relu:
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) d[i] = out[i] > 0.0f ? g[i] : leaky_slope * g[i];
            return;
        case ActivationKind::elu:
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) d[i] = out[i] > 0.0f ? g[i] : (out[i] + 1.0f) * g[i];
            return;
        case ActivationKind::gelu:
            // Φ(x) + x·φ(x)
#pragma omp parallel for schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) {
                const float cdf = 0.5f * (1.0f + std::erf(in[i] * inv_sqrt2));
                const float pdf = inv_sqrt_2pi * std::exp(-0.5f * in[i] * in[i]);
                d[i] = (cdf + in[i] * pdf) * g[i];
            }
            return;
        case ActivationKind::swish:
            // σ(x)·(1 + x·(1 − σ(x)))
#pragma omp parallel for schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) {
                const float s = 1.0f / (1.0f + std::exp(-in[i]));
                d[i] = s * (1.0f + in[i] * (1.0f - s)) * g[i];
            }
            return;
        case ActivationKind::softplus:
            // σ(x) = 1 − e^−y
#pragma omp parallel for schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) d[i] = -std::expm1(-out[i]) * g[i];
            return;
    }
}

}  // namespace nnlab
