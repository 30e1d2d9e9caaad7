// Hinge — mean over the last axis of max(0, 1 − y·ŷ), with 0/1 labels read as −1/+1 (Keras: losses.Hinge).
#pragma once

#include "nnlab/losses/loss.hpp"

namespace nnlab {

class Hinge final : public Loss {
public:
    std::string name() const override { return "hinge"; }
    // y_true (N, C) holds −1/+1 labels; when every entry of the batch is 0 or 1 they are mapped to 2y − 1
    // first, as Keras's convert_binary_labels_to_hinge does.
    double compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override;
};

}  // namespace nnlab
