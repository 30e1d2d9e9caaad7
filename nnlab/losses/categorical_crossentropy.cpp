// CategoricalCrossentropy — −Σ y·log(clip(p / Σp)) and its gradient (Keras: losses.CategoricalCrossentropy).
#include "nnlab/losses/categorical_crossentropy.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

// A model whose last layer has the wrong width must fail here with both shapes, not read out of bounds.
void check_shapes(const Tensor& y_pred, const Tensor& y_true, const Tensor* grad) {
    if (y_pred.shape().rank() != 2 || y_pred.shape() != y_true.shape()) {
        throw Error(
            "categorical_crossentropy: expected y_pred and y_true of the same shape (batch, classes), found y_pred " +
            y_pred.shape().to_string() + " and y_true " + y_true.shape().to_string());
    }
    if (y_pred.rows() == 0) throw Error("categorical_crossentropy: the batch is empty; its mean loss is undefined");
    if (grad != nullptr && grad->shape() != y_pred.shape()) {
        throw Error("categorical_crossentropy: expected a gradient of shape " + y_pred.shape().to_string() +
                        ", found " + grad->shape().to_string(),
                    ErrorKind::failure);
    }
}

}  // namespace

CategoricalCrossentropy::CategoricalCrossentropy(double label_smoothing) : label_smoothing_(label_smoothing) {
    if (!(label_smoothing >= 0.0 && label_smoothing <= 1.0)) {
        throw KeyError("label_smoothing",
                       "label_smoothing: expected a number in [0, 1], found " + std::to_string(label_smoothing));
    }
}

double CategoricalCrossentropy::compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const {
    check_shapes(y_pred, y_true, grad);
    const int64_t n = y_pred.rows(), c = y_pred.cols();
    // Keras smooths in the targets' float32: y·(1 − ls) + ls / C; with ls = 0 that is y exactly.
    const auto keep = static_cast<float>(1.0 - label_smoothing_);
    const auto spread = static_cast<float>(label_smoothing_ / static_cast<double>(c));
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
            const double q = std::clamp(p[j] / sum, epsilon, 1.0 - epsilon);
            loss -= y[j] * std::log(q);
        }
        total += loss;
        if (grad == nullptr) continue;
        // With q = p / Σp and d_j = ∂L/∂q_j = −y_j / q_j (0 where the clip is active, as the clip's
        // gradient is), ∂L/∂p_k = (d_k − Σ_j d_j·q_j) / Σp: the second term is the row-sum normalisation.
        auto dq = [&](int64_t j) {
            const double q = p[j] / sum;
            return (q < epsilon || q > 1.0 - epsilon) ? 0.0 : -y[j] / q;
        };
        double dot = 0.0;
        for (int64_t j = 0; j < c; ++j) dot += dq(j) * (p[j] / sum);
        float* g = grad->data() + i * c;
        for (int64_t j = 0; j < c; ++j) g[j] = static_cast<float>((dq(j) - dot) / (sum * static_cast<double>(n)));
    }
    return total / static_cast<double>(n);
}

double CategoricalCrossentropy::compute_from_softmax(const Tensor& probs, const Tensor& y_true, Tensor& dlogits) const {
    check_shapes(probs, y_true, &dlogits);
    const int64_t n = probs.rows(), c = probs.cols(), count = probs.numel();
    const double loss = compute(probs, y_true, nullptr);  // first, in case dlogits is probs's memory
    // ∂(−Σ y'·log softmax(z))/∂z = softmax(z)·Σy' − y', which is p − y' when the rows of y sum to 1 (one-hot
    // labels; smoothing keeps the sum at 1). This ignores the clip — exactly what Keras/TF's fused
    // softmax-cross-entropy does — so it stays well-conditioned where p underflows, while the value returned is
    // still the clipped one.
    const auto keep = static_cast<float>(1.0 - label_smoothing_);
    const auto spread = static_cast<float>(label_smoothing_ / static_cast<double>(c));
    for (int64_t k = 0; k < count; ++k) {
        const float target = y_true[k] * keep + spread;
        dlogits[k] = static_cast<float>((double{probs[k]} - target) / static_cast<double>(n));
    }
    return loss;
}

}  // namespace nnlab
