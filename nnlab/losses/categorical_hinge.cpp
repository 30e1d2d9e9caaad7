// CategoricalHinge — max(0, max((1 − y)·ŷ) − Σ y·ŷ + 1) and its gradient (Keras: losses.CategoricalHinge).
#include "nnlab/losses/categorical_hinge.hpp"

#include <algorithm>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {

double CategoricalHinge::compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const {
    check_loss_shapes("categorical_hinge", y_pred, y_true, grad);
    Tensor none;
    return categorical_hinge(y_pred, y_true, grad != nullptr ? *grad : none);
}

}  // namespace nnlab
