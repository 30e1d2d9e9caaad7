// Loss — the interface every loss implements (Keras: keras.losses), reduced as Keras's
// "sum_over_batch_size": the mean over the batch of each sample's loss.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

class Loss {
public:
    virtual ~Loss() = default;

    // The Keras identifier: "categorical_crossentropy", "mean_squared_error", "hinge", …
    virtual std::string name() const = 0;

    // y_pred and y_true are (N, C); y_true is one-hot (or any target of the same shape).
    // Returns the batch mean of the per-sample loss; when grad is not null, writes into it
    // (shape (N, C)) the gradient of that mean with respect to y_pred.
    virtual double compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const = 0;

    // True when the loss takes probabilities from a softmax and can give the gradient with respect
    // to the softmax's input directly (categorical cross-entropy).
    virtual bool fuses_with_softmax() const { return false; }
    // Only when fuses_with_softmax(): probs = softmax(z); returns the same value as compute()
    // and writes dL/dz (shape (N, C)).
    virtual double compute_from_softmax(const Tensor& probs, const Tensor& y_true, Tensor& dlogits) const;
};

// By Keras identifier (and the aliases Keras accepts: "mse", "categorical_hinge", …).
// Throws KeyError("loss") naming the known losses.
std::unique_ptr<Loss> make_loss(std::string_view name);

}  // namespace nnlab
