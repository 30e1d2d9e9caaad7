// Layer — the interface every layer implements (Keras: keras.layers.Layer).
#include "nnlab/layers/layer.hpp"

#include "nnlab/core/error.hpp"

namespace nnlab {

void Layer::backward_from_logits(const Tensor&, Tensor&) {
    throw Error(error_prefix() + "does not end in softmax; cannot take a gradient with respect to logits",
                ErrorKind::failure);
}

std::string Layer::error_prefix() const {
    return "layer " + name_ + " (" + type() + "): ";
}

}  // namespace nnlab
