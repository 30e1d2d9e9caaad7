// MeanSquaredError — mean over the last axis of (y − ŷ)² and its gradient (Keras: losses.MeanSquaredError).
#include "nnlab/losses/mean_squared_error.hpp"

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {

double MeanSquaredError::compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const {
    check_loss_shapes("mean_squared_error", y_pred, y_true, grad, "features");
    Tensor none;
    return mean_squared_error(y_pred, y_true, grad != nullptr ? *grad : none);
}

}  // namespace nnlab
