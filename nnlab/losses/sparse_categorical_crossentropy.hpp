// SparseCategoricalCrossentropy — categorical cross-entropy with integer class targets (Keras:
// losses.SparseCategoricalCrossentropy, from_logits=False): the loss a user names when the labels are class indices.
#pragma once

#include "nnlab/losses/loss.hpp"

namespace nnlab {

class SparseCategoricalCrossentropy final : public Loss {
public:
    std::string name() const override { return "sparse_categorical_crossentropy"; }
    // y_pred (N, C) probabilities; y_true (N, 1) or (N) class indices as Keras takes them, or the one-hot rows
    // (N, C) the loader builds from the same labels. Throws nnlab::Error naming a row whose index is not a whole
    // number in [0, C).
    double compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const override;

    bool fuses_with_softmax() const override { return true; }
    double compute_from_softmax(const Tensor& probs, const Tensor& y_true, Tensor& dlogits) const override;
};

}  // namespace nnlab
