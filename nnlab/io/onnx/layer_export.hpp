// Each nnlab layer as ONNX nodes computing what its inference forward computes (opset 17).
#pragma once

#include "nnlab/io/onnx/graph_builder.hpp"
#include "nnlab/layers/layer.hpp"

namespace nnlab::onnx_export {

// The nodes of `layer` applied to x; returns its output. Spatial layers take and give images channels first (ONNX's
// convolutions and pooling), the layers that read the last axis as features channels last. Throws nnlab::Error
// naming the layer when it has no ONNX form (a program's own layer type).
Value export_layer(GraphBuilder& g, Layer& layer, const Value& x);

}  // namespace nnlab::onnx_export
