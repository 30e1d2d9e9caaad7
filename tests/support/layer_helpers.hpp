// Small helpers for layer tests: set a parameter's values, run a layer once.
#pragma once

#include <initializer_list>
#include <vector>

#include "nnlab/layers/layer.hpp"
#include "tests/support/tensor_helpers.hpp"

namespace nnlab::testing {

// Gives every parameter of a built layer its own zeroed value and gradient tensors.
void bind_params(Layer& layer);
// Builds the layer for input_shape, gives it zeroed parameters and returns the output shape (with the batch).
Shape build_with_params(Layer& layer, const Shape& input_shape);
// Runs forward (inference) on an input of input_shape holding `input`; builds the layer first
// unless output_shape is given (the layer is then already built, its parameters set).
Tensor forward_once(Layer& layer, const Shape& input_shape, std::initializer_list<float> input,
                    const Shape& output_shape = {});

}  // namespace nnlab::testing
