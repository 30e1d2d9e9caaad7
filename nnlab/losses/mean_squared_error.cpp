// MeanSquaredError — mean over the last axis of (y − ŷ)² and its gradient (Keras: losses.MeanSquaredError).
#include "nnlab/losses/mean_squared_error.hpp"

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

// A model whose last layer has the wrong width must fail here with both shapes, not read out of bounds.
void check_shapes(const Tensor& y_pred, const Tensor& y_true, const Tensor* grad) {
    if (y_pred.shape().rank() != 2 || y_pred.shape() != y_true.shape()) {
        throw Error(
            "mean_squared_error: expected y_pred and y_true of the same shape (batch, features), found y_pred " +
            y_pred.shape().to_string() + " and y_true " + y_true.shape().to_string());
    }
    if (y_pred.rows() == 0) throw Error("mean_squared_error: the batch is empty; its mean loss is undefined");
    if (grad != nullptr && grad->shape() != y_pred.shape()) {
        throw Error("mean_squared_error: expected a gradient of shape " + y_pred.shape().to_string() + ", found " +
                        grad->shape().to_string(),
                    ErrorKind::failure);
    }
}

}  // namespace

double MeanSquaredError::compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const {
    check_shapes(y_pred, y_true, grad);
    const int64_t n = y_pred.rows(), c = y_pred.cols(), count = y_pred.numel();
    // The mean over C and then over N is one mean over all N·C entries.
    const double scale = 1.0 / static_cast<double>(n * c);
    double total = 0.0;
    for (int64_t k = 0; k < count; ++k) {
        const double diff = double{y_pred[k]} - y_true[k];
        total += diff * diff;
        if (grad != nullptr) (*grad)[k] = static_cast<float>(2.0 * diff * scale);
    }
    return total * scale;
}

}  // namespace nnlab
