// CategoricalCrossentropy — −Σ y·log(p) on probabilities, with optional label smoothing
// (Keras: losses.CategoricalCrossentropy, from_logits=False).
#pragma once

#include "nnlab/losses/loss.hpp"

namespace nnlab {

class CategoricalCrossentropy final : public Loss {
public:
    // Keras's backend.epsilon(): probabilities are clipped to [epsilon, 1 − epsilon] before the log.
    static constexpr double epsilon = 1e-7;

    // label_smoothing in [0, 1] (Keras's default 0): the targets become y·(1 − label_smoothing) +
    // label_smoothing / C, in the value and in both gradients. Throws KeyError("label_smoothing") outside [0, 1].
    explicit CategoricalCrossentropy(double label_smoothing = 0.0);

    std::string name() const override { return "categorical_crossentropy"; }
    config::Description config() const override { return {{"label_smoothing", label_smoothing_}}; }
    double label_smoothing() const { return label_smoothing_; }
    // y_pred (N, C) holds probabilities; each row is first divided by its sum, as Keras does.
    double compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override;

    bool fuses_with_softmax() const override { return true; }
    // probs (N, C) = softmax(z); writes dlogits (N, C) = (probs − y') / N, y' the smoothed targets.
    double compute_from_softmax(const Tensor& probs, const Tensor& y_true, Tensor& dlogits) const override;

private:
    double label_smoothing_;
};

}  // namespace nnlab
