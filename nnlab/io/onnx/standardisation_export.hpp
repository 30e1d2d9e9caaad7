// The standardisation a model was trained with (nnlab's Augmenter, Keras's ImageDataGenerator.standardize) as ONNX
// nodes in front of the layers, so that the exported graph takes what the model's predict takes: images on the
// pixel / 255 scale.
#pragma once

#include "nnlab/data/augment/augment.hpp"
#include "nnlab/io/onnx/graph_builder.hpp"

namespace nnlab::onnx_export {

// Samplewise centring and scaling, featurewise centring and scaling with the fitted statistics, then ZCA whitening:
// the order and the constants of Augmenter::standardize. x is the graph's input (N, H, W, C), channels last.
// Throws nnlab::Error when the augmenter has not been fitted but needs to be.
Value export_standardisation(GraphBuilder& g, const Augmenter& augmenter, const Value& x);

}  // namespace nnlab::onnx_export
