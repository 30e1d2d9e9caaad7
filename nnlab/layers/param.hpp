// Param — one trainable tensor of a layer: its value and gradient are views into the model's arenas.
#pragma once

#include <string>

#include "nnlab/core/rng.hpp"
#include "nnlab/core/shape.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

struct Param {
    std::string name;         // "kernel", "bias" (Keras's variable names)
    Shape shape;              // declared in build()
    std::string initializer;  // Keras name: "glorot_uniform", "zeros"
    int64_t fan_in = 0;       // for the scaled initialisers
    int64_t fan_out = 0;
    Tensor value;  // bound by the model to the parameter arena
    Tensor grad;   // bound by the model to the gradient arena
};

// Fills param.value as its initializer says (Keras's rules); throws KeyError("initializer") for an
// unknown name.
void initialize(Param& param, Rng& rng);
// Throws KeyError(key) unless `name` is an initializer initialize() knows.
void check_initializer_name(const std::string& key, const std::string& name);

}  // namespace nnlab
