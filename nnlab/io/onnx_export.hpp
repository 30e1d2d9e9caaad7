// ONNX export — a trained model as an ONNX file (opset 17, ONNX's own protobuf schema from Debian's libonnx-dev), to
// run anywhere ONNX Runtime does. The input is what the model's predict takes in nnlab: float32, channels last as
// Keras's (for images: pixels scaled to [0, 1], as the seed's x / 255); the standardisation the model was trained
// with, when given, is part of the graph. The output is the last layer's. The graph computes in float32, also for a
// model trained in bfloat16 (its float32 weights).
#pragma once

#include <filesystem>
#include <string>

#include "nnlab/data/augment/augment.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

// The ONNX opset the exported graphs use (softmax over the last axis, Erf for GELU, ReduceMean's axes attribute).
constexpr int onnx_opset = 17;

// The serialised ModelProto of a built model: one ONNX node (or a few) per layer, the weights as initializers, the
// batch dimension symbolic ("batch"); input "input", output "output". Every layer type nnlab has is exported (the
// spatial ones through Transposes to ONNX's channels-first layout and back). `standardisation`, when not null, is
// the fitted standardisation applied to the inputs before the first layer (a LoadedModel's preprocessing). Throws
// nnlab::Error naming the first layer that cannot be exported (a program's own layer type), and for a model that
// is not built.
std::string encode_onnx(const Sequential& model, const Augmenter* standardisation = nullptr);

// encode_onnx written to `path` atomically.
void export_onnx(const Sequential& model, const std::filesystem::path& path,
                 const Augmenter* standardisation = nullptr);

}  // namespace nnlab
