// CategoricalCrossentropy — −Σ y·log(p) on probabilities (Keras: losses.CategoricalCrossentropy,
// from_logits=False).
#pragma once

#include "nnlab/losses/loss.hpp"

namespace nnlab {

class CategoricalCrossentropy final : public Loss {
public:
    // Keras's backend.epsilon(): probabilities are clipped to [epsilon, 1 − epsilon] before the log.
    static constexpr double epsilon = 1e-7;

    std::string name() const override { return "categorical_crossentropy"; }
    // y_pred (N, C) holds probabilities; each row is first divided by its sum, as Keras does.
    double compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override;

    bool fuses_with_softmax() const override { return true; }
    // probs (N, C) = softmax(z); writes dlogits (N, C) = (probs − y) / N.
    double compute_from_softmax(const Tensor& probs, const Tensor& y_true, Tensor& dlogits) const override;
};

}  // namespace nnlab
