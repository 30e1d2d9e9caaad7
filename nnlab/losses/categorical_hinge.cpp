// CategoricalHinge — max(0, max((1 − y)·ŷ) − Σ y·ŷ + 1) and its gradient (Keras: losses.CategoricalHinge).
#include "nnlab/losses/categorical_hinge.hpp"

#include <algorithm>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

// A model whose last layer has the wrong width must fail here with both shapes, not read out of bounds.
void check_shapes(const Tensor& y_pred, const Tensor& y_true, const Tensor* grad) {
    if (y_pred.shape().rank() != 2 || y_pred.shape() != y_true.shape()) {
        throw Error("categorical_hinge: expected y_pred and y_true of the same shape (batch, classes), found y_pred " +
                    y_pred.shape().to_string() + " and y_true " + y_true.shape().to_string());
    }
    if (y_pred.rows() == 0) throw Error("categorical_hinge: the batch is empty; its mean loss is undefined");
    if (grad != nullptr && grad->shape() != y_pred.shape()) {
        throw Error("categorical_hinge: expected a gradient of shape " + y_pred.shape().to_string() + ", found " +
                        grad->shape().to_string(),
                    ErrorKind::failure);
    }
}

}  // namespace

double CategoricalHinge::compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const {
    check_shapes(y_pred, y_true, grad);
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
        if (grad == nullptr) continue;
        // ∂pos/∂ŷ_j = y_j; ∂neg/∂ŷ_j = (1 − y_j) at the argmax only; both 0 where the hinge is flat.
        float* g = grad->data() + i * c;
        for (int64_t j = 0; j < c; ++j) {
            const double d = margin > 0.0 ? (j == argmax ? 1.0 - y[j] : 0.0) - y[j] : 0.0;
            g[j] = static_cast<float>(d / static_cast<double>(n));
        }
    }
    return total / static_cast<double>(n);
}

}  // namespace nnlab
