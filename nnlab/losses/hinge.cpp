// Hinge — mean over the last axis of max(0, 1 − y·ŷ) and its gradient (Keras: losses.Hinge).
#include "nnlab/losses/hinge.hpp"

#include <algorithm>
#include <span>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {

double Hinge::compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const {
    check_loss_shapes("hinge", y_pred, y_true, grad);
    Tensor none;
    return hinge(y_pred, y_true, grad != nullptr ? *grad : none);
}

}  // namespace nnlab
