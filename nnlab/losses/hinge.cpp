// Hinge — mean over the last axis of max(0, 1 − y·ŷ) and its gradient (Keras: losses.Hinge).
#include "nnlab/losses/hinge.hpp"

#include <algorithm>
#include <span>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

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
    Tensor none;
    return hinge(y_pred, y_true, grad != nullptr ? *grad : none);
}

}  // namespace nnlab
