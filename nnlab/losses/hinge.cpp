// Hinge — mean over the last axis of max(0, 1 − y·ŷ) and its gradient (Keras: losses.Hinge).
#include "nnlab/losses/hinge.hpp"

#include <algorithm>
#include <span>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

// A model whose last layer has the wrong width must fail here with both shapes, not read out of bounds.
void check_shapes(const Tensor& y_pred, const Tensor& y_true, const Tensor* grad) {
    if (y_pred.shape().rank() != 2 || y_pred.shape() != y_true.shape()) {
        throw Error("hinge: expected y_pred and y_true of the same shape (batch, classes), found y_pred " +
                    y_pred.shape().to_string() + " and y_true " + y_true.shape().to_string());
    }
    if (y_pred.rows() == 0) throw Error("hinge: the batch is empty; its mean loss is undefined");
    if (grad != nullptr && grad->shape() != y_pred.shape()) {
        throw Error("hinge: expected a gradient of shape " + y_pred.shape().to_string() + ", found " +
                        grad->shape().to_string(),
                    ErrorKind::failure);
    }
}

}  // namespace

double Hinge::compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const {
    check_shapes(y_pred, y_true, grad);
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
        if (grad != nullptr) (*grad)[k] = static_cast<float>(margin > 0.0 ? -y * scale : 0.0);
    }
    return total * scale;
}

}  // namespace nnlab
