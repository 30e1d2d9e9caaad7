// Param — one tensor of a layer's state: its value and gradient are views into the model's arenas.
#pragma once

#include <string>

#include "nnlab/core/rng.hpp"
#include "nnlab/core/shape.hpp"
#include "nnlab/layers/initializer.hpp"
#include "nnlab/layers/regularizer.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

struct Param {
    std::string name;  // "kernel", "bias", "moving_mean" (Keras's variable names)
    Shape shape;       // declared in build()
    Initializer initializer;
    // False for state the optimizer must not touch (batch norm's moving statistics): saved with the model,
    // counted as non-trainable in summary(), never given a gradient.
    bool trainable = true;
    Regularizer regularizer;  // its penalty joins the loss; inactive by default
    Tensor value;             // bound by the model to the parameter arena
    Tensor grad;              // bound by the model to the gradient arena
};

// Fills param.value as its initializer says.
inline void initialize(Param& param, Rng& rng) {
    initialize(param.initializer, param.shape, param.value, rng);
}

}  // namespace nnlab
