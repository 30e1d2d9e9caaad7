// MeanSquaredError — mean over the last axis of (y − ŷ)² (Keras: losses.MeanSquaredError, "mse").
#pragma once

#include "nnlab/losses/loss.hpp"

namespace nnlab {

class MeanSquaredError final : public Loss {
public:
    std::string name() const override { return "mean_squared_error"; }
    // y_pred and y_true (N, C); per sample (1/C)·Σ (y − ŷ)², then the mean over N.
    double compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override;
};

}  // namespace nnlab
