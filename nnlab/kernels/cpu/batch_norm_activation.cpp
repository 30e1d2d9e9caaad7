// Batch norm and the activation after it on the CPU, in the fewest passes over memory: forward reads x twice (the
// statistics, then y = f(z)) and writes y once; backward reads x and dy twice (the two channel sums, then dx) and
// writes dx once, recomputing z from x and the statistics rather than keeping it. oneDNN's batch norm followed by
// its eltwise GELU made six passes forward and eight backward, over float32 copies (docs/measurements.md).
//
// Channel sums are taken by each thread over its own rows, in float within blocks of rows and in double across
// them, then added in thread order: the result depends on the thread count only, as oneDNN's does.
#include <omp.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "nnlab/core/threads.hpp"
#include "nnlab/kernels/batch_norm.hpp"
#include "nnlab/kernels/cpu/cpu_backend.hpp"
#include "nnlab/kernels/cpu/pointwise.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

using namespace pointwise;

constexpr int64_t parallel_threshold = 1 << 15;
constexpr int64_t block_rows = 32;  // rows summed in float before the double totals: error stays at float's ε

struct Terms {
    float first, second;
};

// Σ over the rows of an (m, c) view of two per-channel terms, terms(i, j) → Terms.
template <class TermsOf>
void channel_sums(int64_t m, int64_t c, const TermsOf& terms, std::vector<double>& first, std::vector<double>& second) {
    const int teams = m * c >= parallel_threshold ? thread_count() : 1;
    const auto width = static_cast<size_t>(c);
    std::vector<double> partial(static_cast<size_t>(teams) * 2 * width, 0.0);
#pragma omp parallel num_threads(teams) if (teams > 1)
    {
        const int threads = omp_get_num_threads(), t = omp_get_thread_num();
        const int64_t begin = m * t / threads, end = m * (t + 1) / threads;
        std::vector<float> a(width), b(width);
        double* total_a = partial.data() + static_cast<size_t>(t) * 2 * width;
        double* total_b = total_a + width;
        for (int64_t block = begin; block < end; block += block_rows) {
            std::fill(a.begin(), a.end(), 0.0f);
            std::fill(b.begin(), b.end(), 0.0f);
            float* pa = a.data();
            float* pb = b.data();
            for (int64_t i = block; i < std::min(end, block + block_rows); ++i) {
#pragma omp simd
                for (int64_t j = 0; j < c; ++j) {
                    const Terms v = terms(i, j);
                    pa[j] += v.first;
                    pb[j] += v.second;
                }
            }
            for (int64_t j = 0; j < c; ++j) {
                total_a[j] += pa[j];
                total_b[j] += pb[j];
            }
        }
    }
    first.assign(width, 0.0);
    second.assign(width, 0.0);
    for (int t = 0; t < teams; ++t)
        for (size_t j = 0; j < width; ++j) {
            first[j] += partial[static_cast<size_t>(t) * 2 * width + j];
            second[j] += partial[static_cast<size_t>(t) * 2 * width + width + j];
        }
}

// op(i, j) for every value of an (m, c) view.
template <class Op>
void each_value(int64_t m, int64_t c, const Op& op) {
#pragma omp parallel for schedule(static) if (m * c >= parallel_threshold)
    for (int64_t i = 0; i < m; ++i) {
#pragma omp simd
        for (int64_t j = 0; j < c; ++j) op(i, j);
    }
}

// Per channel: x̂ = (x − mean)·inv_std, z = (x − mean)·scale + shift. x − mean, not x·scale + a folded shift: near the
// mean the difference is exact, and a channel far from zero keeps its precision.
struct ChannelAffine {
    std::vector<float> mean, inv_std, scale, shift;
    ChannelAffine(const Tensor& gamma, const Tensor& beta, const Tensor& batch_mean, const Tensor& batch_variance,
                  float epsilon, int64_t c) {
        for (int64_t j = 0; j < c; ++j) {
            const double r = 1.0 / std::sqrt(double{batch_variance[j]} + double{epsilon});
            mean.push_back(batch_mean[j]);
            inv_std.push_back(static_cast<float>(r));
            scale.push_back(static_cast<float>(gamma[j] * r));
            shift.push_back(beta[j]);
        }
    }
};

template <ActivationKind kind, class Out>
void normalize_activate(const float* x, const ChannelAffine& affine, const Out& y, int64_t m, int64_t c) {
    const float* mean = affine.mean.data();
    const float* scale = affine.scale.data();
    const float* shift = affine.shift.data();
    each_value(m, c, [=](int64_t i, int64_t j) {
        y(i * c + j, activate<kind>(std::fma(x[i * c + j] - mean[j], scale[j], shift[j])));
    });
}

// The batch's statistics of x (m, c) into batch_mean and batch_variance, then y = f(z) through `y`.
template <class Out>
void forward_training(ActivationKind kind, const float* in, const Tensor& gamma, const Tensor& beta, float epsilon,
                      const Out& y, Tensor& batch_mean, Tensor& batch_variance, Bf16Tensor* rounded_x, int64_t m,
                      int64_t c) {
    // Sums of x − x[0] rather than of x: the variance is then a difference of small numbers, not of large ones.
    std::vector<double> sum, sum_squares;
    if (rounded_x != nullptr) {
        uint16_t* rounded = rounded_x->data();
        channel_sums(
            m, c,
            [=](int64_t i, int64_t j) {
                rounded[i * c + j] = bfloat16_bits(in[i * c + j]);
                const float d = in[i * c + j] - in[j];
                return Terms{d, d * d};
            },
            sum, sum_squares);
    } else {
        channel_sums(
            m, c,
            [=](int64_t i, int64_t j) {
                const float d = in[i * c + j] - in[j];
                return Terms{d, d * d};
            },
            sum, sum_squares);
    }
    const auto md = static_cast<double>(m);
    for (int64_t j = 0; j < c; ++j) {
        const auto k = static_cast<size_t>(j);
        const double offset = sum[k] / md;
        batch_mean[j] = static_cast<float>(in[j] + offset);
        batch_variance[j] = static_cast<float>(std::max(sum_squares[k] / md - offset * offset, 0.0));
    }
    const ChannelAffine affine(gamma, beta, batch_mean, batch_variance, epsilon, c);
    switch (kind) {
        case ActivationKind::relu:
            return normalize_activate<ActivationKind::relu>(in, affine, y, m, c);
        case ActivationKind::gelu:
            return normalize_activate<ActivationKind::gelu>(in, affine, y, m, c);
        default:
            return normalize_activate<ActivationKind::linear>(in, affine, y, m, c);
    }
}

// dx through `dx` unless write_dx is false.
template <ActivationKind kind, class Values, class Out>
void backward(const Values& x, const float* dy, const ChannelAffine& affine, const Out& dx, bool write_dx,
              float* dgamma, float* dbeta, int64_t m, int64_t c) {
    const float* mean = affine.mean.data();
    const float* inv_std = affine.inv_std.data();
    const float* scale = affine.scale.data();
    const float* shift = affine.shift.data();
    std::vector<double> sum_g, sum_g_xhat;
    channel_sums(
        m, c,
        [=](int64_t i, int64_t j) {
            const float centred = x(i * c + j) - mean[j];
            const float g = dy[i * c + j] * derivative<kind>(std::fma(centred, scale[j], shift[j]));
            return Terms{g, g * centred * inv_std[j]};
        },
        sum_g, sum_g_xhat);
    for (int64_t j = 0; j < c; ++j) {
        dbeta[j] += static_cast<float>(sum_g[static_cast<size_t>(j)]);
        dgamma[j] += static_cast<float>(sum_g_xhat[static_cast<size_t>(j)]);
    }
    if (!write_dx) return;
    // dx = scale·(g − Σg/m − x̂·Σg·x̂/m) = scale·g + slope·(x − mean) + offset.
    std::vector<float> slope(static_cast<size_t>(c)), offset(static_cast<size_t>(c));
    for (int64_t j = 0; j < c; ++j) {
        const auto k = static_cast<size_t>(j);
        const double md = static_cast<double>(m);
        slope[k] = static_cast<float>(-double{scale[j]} * inv_std[j] * sum_g_xhat[k] / md);
        offset[k] = static_cast<float>(-double{scale[j]} * sum_g[k] / md);
    }
    const float* ps = slope.data();
    const float* po = offset.data();
    each_value(m, c, [=](int64_t i, int64_t j) {
        const float centred = x(i * c + j) - mean[j];
        const float g = dy[i * c + j] * derivative<kind>(std::fma(centred, scale[j], shift[j]));
        dx(i * c + j, std::fma(scale[j], g, std::fma(ps[j], centred, po[j])));
    });
}

template <class Values, class Out>
void backward_of(ActivationKind kind, const Values& x, const Tensor& dy, const ChannelAffine& affine, const Out& dx,
                 bool write_dx, Tensor& dgamma, Tensor& dbeta, int64_t m, int64_t c) {
    float* dg = dgamma.data();
    float* db = dbeta.data();
    switch (kind) {
        case ActivationKind::relu:
            return backward<ActivationKind::relu>(x, dy.data(), affine, dx, write_dx, dg, db, m, c);
        case ActivationKind::gelu:
            return backward<ActivationKind::gelu>(x, dy.data(), affine, dx, write_dx, dg, db, m, c);
        default:
            return backward<ActivationKind::linear>(x, dy.data(), affine, dx, write_dx, dg, db, m, c);
    }
}

}  // namespace

void CpuBackend::batch_norm_activation_forward_training(ActivationKind kind, const Tensor& x, const Tensor& gamma,
                                                        const Tensor& beta, float epsilon, Tensor& y,
                                                        Tensor& batch_mean, Tensor& batch_variance,
                                                        Bf16Tensor* rounded_x) {
    check_one_pass_activation("batch_norm_activation_forward_training", kind);
    const BatchNormDims dims = check_batch_norm("batch_norm_activation_forward_training", x, {&y},
                                                {&gamma, &beta, &batch_mean, &batch_variance});
    if (rounded_x != nullptr) check_batch_norm("batch_norm_activation_forward_training", rounded_x->shape(), {&x}, {});
    forward_training(kind, x.data(), gamma, beta, epsilon, Float32Out{y.data()}, batch_mean, batch_variance, rounded_x,
                     dims.m, dims.c);
}

void CpuBackend::batch_norm_activation_forward_training(ActivationKind kind, const Tensor& x, const Tensor& gamma,
                                                        const Tensor& beta, float epsilon, Bf16Tensor& y,
                                                        Tensor& batch_mean, Tensor& batch_variance,
                                                        Bf16Tensor* rounded_x) {
    check_one_pass_activation("batch_norm_activation_forward_training", kind);
    const BatchNormDims dims = check_batch_norm("batch_norm_activation_forward_training", x, {},
                                                {&gamma, &beta, &batch_mean, &batch_variance});
    check_batch_norm("batch_norm_activation_forward_training", y.shape(), {&x}, {});
    if (rounded_x != nullptr) check_batch_norm("batch_norm_activation_forward_training", rounded_x->shape(), {&x}, {});
    forward_training(kind, x.data(), gamma, beta, epsilon, Bfloat16Out{y.data()}, batch_mean, batch_variance, rounded_x,
                     dims.m, dims.c);
}

void CpuBackend::batch_norm_activation_backward(ActivationKind kind, const Tensor& x, const Tensor& dy,
                                                const Tensor& gamma, const Tensor& beta, const Tensor& batch_mean,
                                                const Tensor& batch_variance, float epsilon, Tensor& dx, Tensor& dgamma,
                                                Tensor& dbeta) {
    check_one_pass_activation("batch_norm_activation_backward", kind);
    const BatchNormDims dims = check_batch_norm("batch_norm_activation_backward", x, {&dy},
                                                {&gamma, &beta, &batch_mean, &batch_variance, &dgamma, &dbeta});
    if (!dx.empty()) check_batch_norm("batch_norm_activation_backward", x, {&dx}, {});
    const ChannelAffine affine(gamma, beta, batch_mean, batch_variance, epsilon, dims.c);
    backward_of(kind, Float32Values{x.data()}, dy, affine, Float32Out{dx.data()}, !dx.empty(), dgamma, dbeta, dims.m,
                dims.c);
}

void CpuBackend::batch_norm_activation_backward(ActivationKind kind, const Bf16Tensor& x, const Tensor& dy,
                                                const Tensor& gamma, const Tensor& beta, const Tensor& batch_mean,
                                                const Tensor& batch_variance, float epsilon, Tensor& dx, Tensor& dgamma,
                                                Tensor& dbeta) {
    check_one_pass_activation("batch_norm_activation_backward", kind);
    const BatchNormDims dims = check_batch_norm("batch_norm_activation_backward", x.shape(), {&dy},
                                                {&gamma, &beta, &batch_mean, &batch_variance, &dgamma, &dbeta});
    if (!dx.empty()) check_batch_norm("batch_norm_activation_backward", x.shape(), {&dx}, {});
    const ChannelAffine affine(gamma, beta, batch_mean, batch_variance, epsilon, dims.c);
    backward_of(kind, Bfloat16Values{x.data()}, dy, affine, Float32Out{dx.data()}, !dx.empty(), dgamma, dbeta, dims.m,
                dims.c);
}

void CpuBackend::batch_norm_activation_backward(ActivationKind kind, const Bf16Tensor& x, const Tensor& dy,
                                                const Tensor& gamma, const Tensor& beta, const Tensor& batch_mean,
                                                const Tensor& batch_variance, float epsilon, Bf16Tensor& dx,
                                                Tensor& dgamma, Tensor& dbeta) {
    check_one_pass_activation("batch_norm_activation_backward", kind);
    const BatchNormDims dims = check_batch_norm("batch_norm_activation_backward", x.shape(), {&dy},
                                                {&gamma, &beta, &batch_mean, &batch_variance, &dgamma, &dbeta});
    if (!dx.empty()) check_batch_norm("batch_norm_activation_backward", dx.shape(), {&dy}, {});
    const ChannelAffine affine(gamma, beta, batch_mean, batch_variance, epsilon, dims.c);
    backward_of(kind, Bfloat16Values{x.data()}, dy, affine, Bfloat16Out{dx.data()}, !dx.empty(), dgamma, dbeta, dims.m,
                dims.c);
}

}  // namespace nnlab
