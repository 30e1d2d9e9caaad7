// BinaryCrossentropy — −[y·log(p) + (1 − y)·log(1 − p)] per output, averaged over the last axis then the batch
// (Keras: losses.BinaryCrossentropy). The loss of a binary classifier (Dense(1, "sigmoid")) and of multi-label
// outputs.
#pragma once

#include "nnlab/losses/loss.hpp"

namespace nnlab {

class BinaryCrossentropy final : public Loss {
public:
    // Keras's backend.epsilon(): probabilities are clipped to [epsilon, 1 − epsilon] before the logs.
    static constexpr double epsilon = 1e-7;

    // from_logits: y_pred holds logits z and p = sigmoid(z), computed stably (max(z, 0) − z·y + log(1 + e^−|z|)).
    // label_smoothing in [0, 1]: targets become y·(1 − label_smoothing) + label_smoothing / 2. Throws
    // KeyError("label_smoothing") outside [0, 1].
    explicit BinaryCrossentropy(bool from_logits = false, double label_smoothing = 0.0);

    std::string name() const override { return "binary_crossentropy"; }
    config::Description config() const override {
        return {{"from_logits", from_logits_}, {"label_smoothing", label_smoothing_}};
    }
    // y_pred and y_true (N, C) of the same shape; y_true holds 0/1 targets (or any value in [0, 1]).
    double compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override;

private:
    bool from_logits_;
    double label_smoothing_;
};

}  // namespace nnlab
