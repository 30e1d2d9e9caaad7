// Batch normalisation as plain loops in double: the oracle the oneDNN kernels are tested against.
#include <cmath>
#include <numbers>
#include <vector>

#include "nnlab/kernels/batch_norm.hpp"
#include "nnlab/kernels/ops.hpp"

#include "nnlab/kernels/reference/reference_backend.hpp"

namespace nnlab {
namespace {

// Per-channel mean and biased variance of x seen as (m, c).
void moments(const Tensor& x, int64_t m, int64_t c, std::vector<double>& mean, std::vector<double>& variance) {
    mean.assign(static_cast<size_t>(c), 0.0);
    variance.assign(static_cast<size_t>(c), 0.0);
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < c; ++j) mean[static_cast<size_t>(j)] += x[i * c + j];
    for (double& v : mean) v /= static_cast<double>(m);
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < c; ++j) {
            const double d = x[i * c + j] - mean[static_cast<size_t>(j)];
            variance[static_cast<size_t>(j)] += d * d;
        }
    }
    for (double& v : variance) v /= static_cast<double>(m);
}

void normalize(const Tensor& x, const Tensor& gamma, const Tensor& beta, const std::vector<double>& mean,
               const std::vector<double>& variance, float epsilon, int64_t m, int64_t c, Tensor& y) {
    for (int64_t j = 0; j < c; ++j) {
        const auto k = static_cast<size_t>(j);
        const double inv_std = 1.0 / std::sqrt(variance[k] + double{epsilon});
        for (int64_t i = 0; i < m; ++i)
            y[i * c + j] = static_cast<float>(gamma[j] * (x[i * c + j] - mean[k]) * inv_std + beta[j]);
    }
}

// The activations a batch norm fuses (batch_norm_fuses), and their derivatives, of z.
double activate(ActivationKind kind, double z) {
    if (kind == ActivationKind::relu) return z > 0.0 ? z : 0.0;
    if (kind == ActivationKind::gelu) return z * 0.5 * std::erfc(-z / std::numbers::sqrt2);
    return z;
}

double derivative(ActivationKind kind, double z) {
    if (kind == ActivationKind::relu) return z > 0.0 ? 1.0 : 0.0;
    if (kind == ActivationKind::gelu)
        return 0.5 * std::erfc(-z / std::numbers::sqrt2) +
               z * std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
    return 1.0;
}

}  // namespace

void ReferenceBackend::batch_norm_activation_forward_training(ActivationKind kind, const Tensor& x, const Tensor& gamma,
                                                              const Tensor& beta, float epsilon, Tensor& y,
                                                              Tensor& batch_mean, Tensor& batch_variance,
                                                              Bf16Tensor* rounded_x) {
    check_one_pass_activation("batch_norm_activation_forward_training", kind);
    const auto [m, c] = check_batch_norm("batch_norm_activation_forward_training", x, {&y},
                                         {&gamma, &beta, &batch_mean, &batch_variance});
    if (rounded_x != nullptr) round_into(x, *rounded_x);
    std::vector<double> mean, variance;
    moments(x, m, c, mean, variance);
    for (int64_t j = 0; j < c; ++j) {
        const auto k = static_cast<size_t>(j);
        const double inv_std = 1.0 / std::sqrt(variance[k] + double{epsilon});
        for (int64_t i = 0; i < m; ++i)
            y[i * c + j] = static_cast<float>(activate(kind, gamma[j] * (x[i * c + j] - mean[k]) * inv_std + beta[j]));
        batch_mean[j] = static_cast<float>(mean[k]);
        batch_variance[j] = static_cast<float>(variance[k]);
    }
}

// With g = dy·f'(z): the batch norm's backward of g (batch_norm_backward).
void ReferenceBackend::batch_norm_activation_backward(ActivationKind kind, const Tensor& x, const Tensor& dy,
                                                      const Tensor& gamma, const Tensor& beta, const Tensor& batch_mean,
                                                      const Tensor& batch_variance, float epsilon, Tensor& dx,
                                                      Tensor& dgamma, Tensor& dbeta) {
    check_one_pass_activation("batch_norm_activation_backward", kind);
    const auto [m, c] = check_batch_norm("batch_norm_activation_backward", x, {&dy},
                                         {&gamma, &beta, &batch_mean, &batch_variance, &dgamma, &dbeta});
    if (!dx.empty()) check_batch_norm("batch_norm_activation_backward", x, {&dx}, {});
    std::vector<double> g(static_cast<size_t>(m));
    for (int64_t j = 0; j < c; ++j) {
        const double mu = batch_mean[j];
        const double inv_std = 1.0 / std::sqrt(double{batch_variance[j]} + double{epsilon});
        double sum_g = 0.0, sum_g_xhat = 0.0;
        for (int64_t i = 0; i < m; ++i) {
            const double xhat = (x[i * c + j] - mu) * inv_std;
            g[static_cast<size_t>(i)] = dy[i * c + j] * derivative(kind, gamma[j] * xhat + beta[j]);
            sum_g += g[static_cast<size_t>(i)];
            sum_g_xhat += g[static_cast<size_t>(i)] * xhat;
        }
        dbeta[j] = static_cast<float>(dbeta[j] + sum_g);
        dgamma[j] = static_cast<float>(dgamma[j] + sum_g_xhat);
        if (dx.empty()) continue;
        const double md = static_cast<double>(m);
        for (int64_t i = 0; i < m; ++i) {
            const double xhat = (x[i * c + j] - mu) * inv_std;
            dx[i * c + j] = static_cast<float>(gamma[j] * inv_std *
                                               (g[static_cast<size_t>(i)] - sum_g / md - xhat * sum_g_xhat / md));
        }
    }
}

void ReferenceBackend::batch_norm_activation_backward(ActivationKind kind, const Bf16Tensor& x, const Tensor& dy,
                                                      const Tensor& gamma, const Tensor& beta, const Tensor& batch_mean,
                                                      const Tensor& batch_variance, float epsilon, Tensor& dx,
                                                      Tensor& dgamma, Tensor& dbeta) {
    Tensor widened(x.shape());
    convert_from_bfloat16(x, widened);
    batch_norm_activation_backward(kind, widened, dy, gamma, beta, batch_mean, batch_variance, epsilon, dx, dgamma,
                                   dbeta);
}

void ReferenceBackend::batch_norm_activation_forward_training(ActivationKind kind, const Tensor& x, const Tensor& gamma,
                                                              const Tensor& beta, float epsilon, Bf16Tensor& y,
                                                              Tensor& batch_mean, Tensor& batch_variance,
                                                              Bf16Tensor* rounded_x) {
    check_batch_norm("batch_norm_activation_forward_training", y.shape(), {&x}, {});
    Tensor wide_y(x.shape());
    batch_norm_activation_forward_training(kind, x, gamma, beta, epsilon, wide_y, batch_mean, batch_variance,
                                           rounded_x);
    round_into(wide_y, y);
}

void ReferenceBackend::batch_norm_activation_backward(ActivationKind kind, const Bf16Tensor& x, const Tensor& dy,
                                                      const Tensor& gamma, const Tensor& beta, const Tensor& batch_mean,
                                                      const Tensor& batch_variance, float epsilon, Bf16Tensor& dx,
                                                      Tensor& dgamma, Tensor& dbeta) {
    if (!dx.empty()) check_batch_norm("batch_norm_activation_backward", dx.shape(), {&dy}, {});
    Tensor wide_dx = dx.empty() ? Tensor() : Tensor(dx.shape());
    batch_norm_activation_backward(kind, x, dy, gamma, beta, batch_mean, batch_variance, epsilon, wide_dx, dgamma,
                                   dbeta);
    if (!dx.empty()) round_into(wide_dx, dx);
}

void ReferenceBackend::batch_norm_forward_training(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                   float epsilon, Tensor& y, Tensor& batch_mean,
                                                   Tensor& batch_variance) {
    const auto [m, c] =
        check_batch_norm("batch_norm_forward_training", x, {&y}, {&gamma, &beta, &batch_mean, &batch_variance});
    std::vector<double> mean, variance;
    moments(x, m, c, mean, variance);
    normalize(x, gamma, beta, mean, variance, epsilon, m, c, y);
    for (int64_t j = 0; j < c; ++j) {
        batch_mean[j] = static_cast<float>(mean[static_cast<size_t>(j)]);
        batch_variance[j] = static_cast<float>(variance[static_cast<size_t>(j)]);
    }
}

void ReferenceBackend::batch_norm_forward_inference(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                                    const Tensor& mean, const Tensor& variance, float epsilon,
                                                    Tensor& y) {
    const auto [m, c] = check_batch_norm("batch_norm_forward_inference", x, {&y}, {&gamma, &beta, &mean, &variance});
    const std::vector<double> mu(mean.values().begin(), mean.values().end());
    const std::vector<double> var(variance.values().begin(), variance.values().end());
    normalize(x, gamma, beta, mu, var, epsilon, m, c, y);
}

// With x̂ = (x − μ)/σ (σ² + ε under the root): dbeta = Σ dy, dgamma = Σ dy·x̂ and
// dx = gamma/σ · (dy − dbeta/M − x̂·dgamma/M), the batch statistics' own dependence on x included.
void ReferenceBackend::batch_norm_backward(const Tensor& x, const Tensor& dy, const Tensor& gamma,
                                           const Tensor& batch_mean, const Tensor& batch_variance, float epsilon,
                                           Tensor& dx, Tensor& dgamma, Tensor& dbeta) {
    const auto [m, c] =
        check_batch_norm("batch_norm_backward", x, {&dy, &dx}, {&gamma, &batch_mean, &batch_variance, &dgamma, &dbeta});
    for (int64_t j = 0; j < c; ++j) {
        const double mu = batch_mean[j];
        const double inv_std = 1.0 / std::sqrt(double{batch_variance[j]} + double{epsilon});
        double sum_dy = 0.0, sum_dy_xhat = 0.0;
        for (int64_t i = 0; i < m; ++i) {
            sum_dy += dy[i * c + j];
            sum_dy_xhat += dy[i * c + j] * (x[i * c + j] - mu) * inv_std;
        }
        dbeta[j] = static_cast<float>(dbeta[j] + sum_dy);
        dgamma[j] = static_cast<float>(dgamma[j] + sum_dy_xhat);
        const double md = static_cast<double>(m);
        for (int64_t i = 0; i < m; ++i) {
            const double xhat = (x[i * c + j] - mu) * inv_std;
            dx[i * c + j] =
                static_cast<float>(gamma[j] * inv_std * (dy[i * c + j] - sum_dy / md - xhat * sum_dy_xhat / md));
        }
    }
}

void ReferenceBackend::add_channel_affine(const Tensor& x, const Tensor& scale, const Tensor& shift, Tensor& y) {
    const auto [m, c] = check_batch_norm("add_channel_affine", x, {&y}, {&scale, &shift});
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < c; ++j)
            y[i * c + j] = static_cast<float>(double{y[i * c + j]} + double{x[i * c + j]} * scale[j] + shift[j]);
}

}  // namespace nnlab
