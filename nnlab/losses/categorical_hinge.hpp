// CategoricalHinge — max(0, neg − pos + 1) with pos = Σ y·ŷ, neg = max((1 − y)·ŷ)
// (Keras: losses.CategoricalHinge).
#pragma once

#include "nnlab/losses/loss.hpp"

namespace nnlab {

class CategoricalHinge final : public Loss {
public:
    std::string name() const override { return "categorical_hinge"; }
    // y_true (N, C) is one-hot (or −1/+1); per sample max(0, neg − pos + 1), then the mean over N.
    double compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override;
};

}  // namespace nnlab
