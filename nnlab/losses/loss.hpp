// Loss — the interface every loss implements (Keras: keras.losses), reduced as Keras's
// "sum_over_batch_size": the mean over the batch of each sample's loss.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "nnlab/config/reader.hpp"
#include "nnlab/config/registry.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

class Loss {
public:
    virtual ~Loss() = default;

    // The Keras identifier: "categorical_crossentropy", "mean_squared_error", "hinge", …
    virtual std::string name() const = 0;
    // Keras get_config(): the loss's own settings (label_smoothing, …), without its name; {} for none.
    virtual config::Description config() const { return config::Description::object(); }

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

// What every loss checks first, so that a model whose last layer has the wrong width fails with both shapes rather
// than reading out of bounds: y_pred and y_true of the same shape (batch, `columns`) with at least one row, and grad
// (when given) of y_pred's shape (else a failure: the caller's bug). Messages start with the loss's name.
void check_loss_shapes(const std::string& loss, const Tensor& y_pred, const Tensor& y_true, const Tensor* grad,
                       const std::string& columns = "classes");

using LossRegistry = config::Registry<Loss>;

// Every loss a description may name: categorical_crossentropy (label_smoothing), binary_crossentropy (from_logits,
// label_smoothing), sparse_categorical_crossentropy, mean_squared_error, hinge, categorical_hinge, with the aliases
// Keras's losses.get accepts ("mse", "CategoricalCrossentropy", …). A program may add its own.
LossRegistry& loss_registry();

// From a description: a name ("mse") or a table {"type": "categorical_crossentropy", "label_smoothing": 0.1}.
// Throws config::ConfigError naming the key and the known losses.
std::unique_ptr<Loss> loss_from(const config::Reader& description);
std::unique_ptr<Loss> make_loss(std::string_view name);

// {"type": name(), and config()}, what loss_from reads back.
config::Description loss_description(const Loss& loss);

}  // namespace nnlab
