// BinaryCrossentropy — the loss and its gradient, in double per element (the outputs of a binary classifier are
// one column: there is no kernel worth dispatching).
#include "nnlab/losses/binary_crossentropy.hpp"

#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"

namespace nnlab {

BinaryCrossentropy::BinaryCrossentropy(bool from_logits, double label_smoothing)
    : from_logits_(from_logits), label_smoothing_(label_smoothing) {
    if (!(label_smoothing >= 0.0 && label_smoothing <= 1.0)) {
        throw KeyError("label_smoothing",
                       "label_smoothing: expected a number in [0, 1], found " + shortest(label_smoothing));
    }
}

double BinaryCrossentropy::compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const {
    check_loss_shapes("binary_crossentropy", y_pred, y_true, grad, "outputs");
    const int64_t n = y_pred.numel();
    const double scale = 1.0 / static_cast<double>(n);  // the mean over outputs, then over the batch
    double total = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        const double y = y_true[i] * (1.0 - label_smoothing_) + 0.5 * label_smoothing_;
        const double v = y_pred[i];
        double d = 0.0;
        if (from_logits_) {
            total += std::max(v, 0.0) - v * y + std::log1p(std::exp(-std::abs(v)));
            const double p = v >= 0.0 ? 1.0 / (1.0 + std::exp(-v)) : std::exp(v) / (1.0 + std::exp(v));
            d = p - y;
        } else {
            const double p = std::clamp(v, epsilon, 1.0 - epsilon);
            total -= y * std::log(p) + (1.0 - y) * std::log(1.0 - p);
            // The clip's gradient is zero outside [epsilon, 1 − epsilon], as TensorFlow's clip_by_value.
            if (v >= epsilon && v <= 1.0 - epsilon) d = -y / p + (1.0 - y) / (1.0 - p);
        }
        if (grad != nullptr) (*grad)[i] = static_cast<float>(d * scale);
    }
    return total * scale;
}

}  // namespace nnlab
