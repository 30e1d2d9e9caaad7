// The gradient checker every layer and loss passes through: central differences in double,
// points at kinks skipped, and a check that backward *adds* into parameter gradients.
#pragma once

#include <cstdint>
#include <string>

#include "nnlab/core/shape.hpp"
#include "nnlab/layers/layer.hpp"
#include "nnlab/losses/loss.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab::testing {

struct GradCheckOptions {
    double step = 1e-3;       // central-difference step h
    double tolerance = 2e-2;  // on |analytic − numeric|, relative to the largest gradient of the tensor
    uint64_t seed = 1;
    int max_coordinates = 200;  // coordinates checked per tensor (spread evenly)
};

// Builds `layer` on input_shape, gives its parameters random values, and compares dx and every
// parameter gradient of L = Σ r ⊙ layer(x) (r random) with central differences. Returns an empty
// string when all agree, else a description of the first disagreement.
std::string check_layer_gradients(Layer& layer, const Shape& input_shape, const GradCheckOptions& options = {});

// Compares loss.compute()'s gradient with central differences at y_pred; and, when the loss fuses
// with softmax, compute_from_softmax()'s gradient with respect to the logits z (probs = softmax(z)).
std::string check_loss_gradients(const Loss& loss, const Tensor& y_pred, const Tensor& y_true,
                                 const GradCheckOptions& options = {});
std::string check_fused_softmax_gradients(const Loss& loss, const Tensor& logits, const Tensor& y_true,
                                          const GradCheckOptions& options = {});

}  // namespace nnlab::testing

#define EXPECT_LAYER_GRADIENTS_OK(layer, ...) EXPECT_EQ(::nnlab::testing::check_layer_gradients(layer, __VA_ARGS__), "")
#define EXPECT_LOSS_GRADIENTS_OK(loss, ...) EXPECT_EQ(::nnlab::testing::check_loss_gradients(loss, __VA_ARGS__), "")
