// The losses from their definitions, each sample's loss and gradient apart: the oracle for the CPU's fused loops.
#include <algorithm>
#include <cmath>
#include <vector>

#include "nnlab/kernels/reference/reference_backend.hpp"

namespace nnlab {
namespace {

constexpr double clip_epsilon = 1e-7;  // Keras's backend.epsilon()

// y'_ij = y_ij·(1 − ls) + ls / C, rounded to float as Keras's targets are.
double smoothed(const Tensor& y_true, int64_t i, int64_t j, int64_t c, double label_smoothing) {
    return static_cast<float>(y_true[i * c + j] * static_cast<float>(1.0 - label_smoothing) +
                              static_cast<float>(label_smoothing / static_cast<double>(c)));
}

}  // namespace

double ReferenceBackend::categorical_crossentropy(const Tensor& y_pred, const Tensor& y_true, double label_smoothing,
                                                  Tensor& grad) {
    const int64_t n = y_pred.rows(), c = y_pred.cols();
    double total = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        double sum = 0.0;
        for (int64_t j = 0; j < c; ++j) sum += y_pred[i * c + j];
        std::vector<double> q(static_cast<size_t>(c));
        for (int64_t j = 0; j < c; ++j) q[size_t(j)] = y_pred[i * c + j] / sum;
        for (int64_t j = 0; j < c; ++j)
            total -= smoothed(y_true, i, j, c, label_smoothing) *
                     std::log(std::clamp(q[size_t(j)], clip_epsilon, 1.0 - clip_epsilon));
        if (grad.empty()) continue;
        // L = −Σ_j y'_j·log q_j with q_j = p_j / Σp: ∂L/∂p_k = Σ_j (−y'_j / q_j)·∂q_j/∂p_k over unclipped j, where
        // ∂q_j/∂p_k = (δ_jk − q_j) / Σp.
        for (int64_t k = 0; k < c; ++k) {
            double d = 0.0;
            for (int64_t j = 0; j < c; ++j) {
                const double qj = q[size_t(j)];
                if (qj < clip_epsilon || qj > 1.0 - clip_epsilon) continue;
                d += -smoothed(y_true, i, j, c, label_smoothing) / qj * ((j == k ? 1.0 : 0.0) - qj) / sum;
            }
            grad[i * c + k] = static_cast<float>(d / static_cast<double>(n));
        }
    }
    return total / static_cast<double>(n);
}

double ReferenceBackend::categorical_crossentropy_from_softmax(const Tensor& probs, const Tensor& y_true,
                                                               double label_smoothing, Tensor& dlogits) {
    Tensor none;
    const double loss = categorical_crossentropy(probs, y_true, label_smoothing, none);
    const int64_t n = probs.rows(), c = probs.cols();
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < c; ++j)
            dlogits[i * c + j] = static_cast<float>((probs[i * c + j] - smoothed(y_true, i, j, c, label_smoothing)) /
                                                    static_cast<double>(n));
    return loss;
}

double ReferenceBackend::mean_squared_error(const Tensor& y_pred, const Tensor& y_true, Tensor& grad) {
    const int64_t n = y_pred.rows(), c = y_pred.cols();
    double total = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        double row = 0.0;
        for (int64_t j = 0; j < c; ++j) row += std::pow(double{y_pred[i * c + j]} - y_true[i * c + j], 2.0);
        total += row / static_cast<double>(c);
    }
    if (!grad.empty())
        for (int64_t k = 0; k < y_pred.numel(); ++k)
            grad[k] = static_cast<float>(2.0 * (double{y_pred[k]} - y_true[k]) / static_cast<double>(n * c));
    return total / static_cast<double>(n);
}

double ReferenceBackend::hinge(const Tensor& y_pred, const Tensor& y_true, Tensor& grad) {
    const int64_t n = y_pred.rows(), c = y_pred.cols();
    bool binary = true;
    for (int64_t k = 0; k < y_true.numel(); ++k) binary = binary && (y_true[k] == 0.0f || y_true[k] == 1.0f);
    double total = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        double row = 0.0;
        for (int64_t j = 0; j < c; ++j) {
            const double y = binary ? (y_true[i * c + j] == 1.0f ? 1.0 : -1.0) : double{y_true[i * c + j]};
            const double margin = 1.0 - y * y_pred[i * c + j];
            row += std::max(margin, 0.0);
            if (!grad.empty())
                grad[i * c + j] = static_cast<float>(margin > 0.0 ? -y / static_cast<double>(n * c) : 0.0);
        }
        total += row / static_cast<double>(c);
    }
    return total / static_cast<double>(n);
}

double ReferenceBackend::categorical_hinge(const Tensor& y_pred, const Tensor& y_true, Tensor& grad) {
    const int64_t n = y_pred.rows(), c = y_pred.cols();
    double total = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        double pos = 0.0, neg = -INFINITY;
        int64_t top = 0;
        for (int64_t j = 0; j < c; ++j) {
            pos += double{y_true[i * c + j]} * y_pred[i * c + j];
            const double candidate = (1.0 - y_true[i * c + j]) * y_pred[i * c + j];
            if (candidate > neg) neg = candidate, top = j;
        }
        const double margin = neg - pos + 1.0;
        total += std::max(margin, 0.0);
        if (grad.empty()) continue;
        for (int64_t j = 0; j < c; ++j) {
            double d = 0.0;
            if (margin > 0.0) d = (j == top ? 1.0 - y_true[i * c + j] : 0.0) - y_true[i * c + j];
            grad[i * c + j] = static_cast<float>(d / static_cast<double>(n));
        }
    }
    return total / static_cast<double>(n);
}

}  // namespace nnlab
