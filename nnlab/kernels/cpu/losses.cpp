// The losses on the CPU: each a loop over the batch in double, writing the gradient as it goes. A batch's N×C
// values are few next to the layers' work, so these stay plain; their reference twins are written differently
// (kernels/reference/losses.cpp) and the two are tested against each other.
#include <algorithm>
#include <cmath>
#include <span>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/cpu/cpu_backend.hpp"

namespace nnlab {
namespace {

// Keras's backend.epsilon(): probabilities are clipped to [epsilon, 1 − epsilon] before the log.
constexpr double clip_epsilon = 1e-7;

}  // namespace

double CpuBackend::categorical_crossentropy(const Tensor& y_pred, const Tensor& y_true, double label_smoothing,
                                            Tensor& grad) {
    const int64_t n = y_pred.rows(), c = y_pred.cols();
    // Keras smooths in the targets' float32: y·(1 − ls) + ls / C; with ls = 0 that is y exactly.
    const auto keep = static_cast<float>(1.0 - label_smoothing);
    const auto spread = static_cast<float>(label_smoothing / static_cast<double>(c));
    std::vector<float> smoothed(static_cast<size_t>(c));
    double total = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        const float* p = y_pred.data() + i * c;
        const float* y = smoothed.data();
        for (int64_t j = 0; j < c; ++j) smoothed[static_cast<size_t>(j)] = y_true.data()[i * c + j] * keep + spread;
        double sum = 0.0;
        for (int64_t j = 0; j < c; ++j) sum += p[j];
        double loss = 0.0;
        for (int64_t j = 0; j < c; ++j) {
            const double q = std::clamp(p[j] / sum, clip_epsilon, 1.0 - clip_epsilon);
            loss -= y[j] * std::log(q);
        }
        total += loss;
        if (grad.empty()) continue;
        // With q = p / Σp and d_j = ∂L/∂q_j = −y_j / q_j (0 where the clip is active, as the clip's
        // gradient is), ∂L/∂p_k = (d_k − Σ_j d_j·q_j) / Σp: the second term is the row-sum normalisation.
        auto dq = [&](int64_t j) {
            const double q = p[j] / sum;
            return (q < clip_epsilon || q > 1.0 - clip_epsilon) ? 0.0 : -y[j] / q;
        };
        double dot = 0.0;
        for (int64_t j = 0; j < c; ++j) dot += dq(j) * (p[j] / sum);
        float* g = grad.data() + i * c;
        for (int64_t j = 0; j < c; ++j) g[j] = static_cast<float>((dq(j) - dot) / (sum * static_cast<double>(n)));
    }
    return total / static_cast<double>(n);
}

double CpuBackend::categorical_crossentropy_from_softmax(const Tensor& probs, const Tensor& y_true,
                                                         double label_smoothing, Tensor& dlogits) {
    const int64_t n = probs.rows(), c = probs.cols(), count = probs.numel();
    Tensor none;
    const double loss = categorical_crossentropy(probs, y_true, label_smoothing, none);  // first: dlogits may be probs
    // ∂(−Σ y'·log softmax(z))/∂z = softmax(z)·Σy' − y', which is p − y' when the rows of y sum to 1 (one-hot
    // labels; smoothing keeps the sum at 1). This ignores the clip — exactly what Keras/TF's fused
    // softmax-cross-entropy does — so it stays well-conditioned where p underflows, while the value returned is
    // still the clipped one.
    const auto keep = static_cast<float>(1.0 - label_smoothing);
    const auto spread = static_cast<float>(label_smoothing / static_cast<double>(c));
    for (int64_t k = 0; k < count; ++k) {
        const float target = y_true[k] * keep + spread;
        dlogits[k] = static_cast<float>((double{probs[k]} - target) / static_cast<double>(n));
    }
    return loss;
}

double CpuBackend::mean_squared_error(const Tensor& y_pred, const Tensor& y_true, Tensor& grad) {
    const int64_t n = y_pred.rows(), c = y_pred.cols(), count = y_pred.numel();
    // The mean over C and then over N is one mean over all N·C entries.
    const double scale = 1.0 / static_cast<double>(n * c);
    double total = 0.0;
    for (int64_t k = 0; k < count; ++k) {
        const double diff = double{y_pred[k]} - y_true[k];
        total += diff * diff;
        if (!grad.empty()) grad[k] = static_cast<float>(2.0 * diff * scale);
    }
    return total * scale;
}

double CpuBackend::hinge(const Tensor& y_pred, const Tensor& y_true, Tensor& grad) {
    const int64_t n = y_pred.rows(), c = y_pred.cols(), count = y_pred.numel();
    // Keras decides once for the whole batch: labels are converted only when all of them are 0 or 1,
    // so −1/+1 labels (which contain no 0) are left alone.
    const std::span<const float> labels = y_true.values();
    const bool binary = std::all_of(labels.begin(), labels.end(), [](float v) { return v == 0.0f || v == 1.0f; });
    const double scale = 1.0 / static_cast<double>(n * c);  // mean over C, then over N
    double total = 0.0;
    for (int64_t k = 0; k < count; ++k) {
        const double y = binary ? 2.0 * y_true[k] - 1.0 : double{y_true[k]};
        const double margin = 1.0 - y * y_pred[k];
        total += std::max(margin, 0.0);
        // At margin == 0 (the kink) the subgradient 0 is taken.
        if (!grad.empty()) grad[k] = static_cast<float>(margin > 0.0 ? -y * scale : 0.0);
    }
    return total * scale;
}

double CpuBackend::categorical_hinge(const Tensor& y_pred, const Tensor& y_true, Tensor& grad) {
    const int64_t n = y_pred.rows(), c = y_pred.cols();
    double total = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        const float* p = y_pred.data() + i * c;
        const float* y = y_true.data() + i * c;
        double pos = 0.0;
        double neg = (1.0 - y[0]) * p[0];
        int64_t argmax = 0;  // the first maximum; at a tie (a kink) any one of them gives a subgradient
        for (int64_t j = 0; j < c; ++j) {
            pos += double{y[j]} * p[j];
            const double candidate = (1.0 - y[j]) * p[j];
            if (candidate > neg) {
                neg = candidate;
                argmax = j;
            }
        }
        const double margin = neg - pos + 1.0;
        total += std::max(margin, 0.0);
        if (grad.empty()) continue;
        // ∂pos/∂ŷ_j = y_j; ∂neg/∂ŷ_j = (1 − y_j) at the argmax only; both 0 where the hinge is flat.
        float* g = grad.data() + i * c;
        for (int64_t j = 0; j < c; ++j) {
            const double d = margin > 0.0 ? (j == argmax ? 1.0 - y[j] : 0.0) - y[j] : 0.0;
            g[j] = static_cast<float>(d / static_cast<double>(n));
        }
    }
    return total / static_cast<double>(n);
}

}  // namespace nnlab
