// ONNX export — a trained model as an ONNX file (opset 17, ONNX's own protobuf schema from Debian's libonnx-dev), to
// run anywhere ONNX Runtime does. The input is what the model takes in nnlab: float32, channels last as Keras's
// (for images: pixels already scaled to [0, 1], as the seed's x / 255); the output is the last layer's.
#pragma once

#include <filesystem>
#include <string>

#include "nnlab/train/sequential.hpp"

namespace nnlab {

// The ONNX opset the exported graphs use (softmax over the last axis, Erf for GELU).
constexpr int onnx_opset = 17;

// The serialised ModelProto of a built model: one ONNX node (or a few) per layer, the weights as initializers,
// the batch dimension symbolic ("batch"). Layers exported so far: Dense, Activation (every activation nnlab has),
// Dropout (identity), Flatten, Reshape, Rescaling, Normalization. Throws nnlab::Error naming the first layer that
// cannot be exported (its name and type), and for a model that is not built.
std::string encode_onnx(const Sequential& model);

// encode_onnx written to `path` atomically.
void export_onnx(const Sequential& model, const std::filesystem::path& path);

}  // namespace nnlab
