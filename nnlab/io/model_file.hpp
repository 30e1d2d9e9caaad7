// Model file — a Sequential's architecture, weights and class names in one safetensors file (Keras: model.save).
#pragma once

// Format, version "1". The layout is safetensors (github.com/huggingface/safetensors), so any
// safetensors reader (Python's safetensors.numpy.load_file, …) gets the weights as named arrays.
//
//   bytes [0, 8)        N, the length of the header: an unsigned 64-bit integer, little-endian.
//   bytes [8, 8 + N)    the header: a UTF-8 JSON object, padded at the end with spaces (0x20) so
//                       that N is a multiple of 8 and the tensor data starts 8-byte aligned.
//   bytes [8 + N, end)  the data section: each tensor's values as raw little-endian IEEE float32 in
//                       row-major (C) order, one tensor after another with no gaps, in layer order
//                       and, within a layer, in the order of its parameters.
//
// Every header key but "__metadata__" names a tensor "<layer name>/<parameter name>":
//   "dense/kernel": {"dtype": "F32", "shape": [3072, 512], "data_offsets": [begin, end]}
// begin and end are byte offsets from the start of the data section (end exclusive), so
// end - begin = 4 * (product of shape); together the tensors cover the data section exactly.
// Parameters are named and shaped as in Keras: Dense has "kernel" (inputs, units) and "bias" (units).
//
// "__metadata__" maps strings to strings (safetensors allows nothing else), so structured values
// are JSON text inside the string:
//   "format"          "nnlab"
//   "format_version"  "1"; a reader refuses a version it does not know.
//   "model"           {"name": "sequential", "input_shape": [32, 32, 3], "layers": [
//                        {"type": "Flatten", "name": "flatten"},
//                        {"type": "Dense", "name": "dense", "units": 512, "activation": "linear"}, …]}
//                     input_shape is one sample's shape (no batch axis, channels last); each layer
//                     is the spec make_layer() builds from (nnlab/layers/registry.hpp).
//   "compile"         {"loss": "categorical_crossentropy", "optimizer": {"type": "adam", …},
//                      "metrics": ["accuracy"], "precision": "float32" | "bfloat16"}
//                     present only when the model was compiled; "optimizer" is Optimizer::config(),
//                     what make_optimizer() takes; files without "metrics" track accuracy, files
//                     without "precision" are float32.
//   "class_names"     ["airplane", "automobile", …], the name of each output index; may be [].
//   "seed"            "42": the run's seed as decimal text, so that further training shuffles as
//                     the run did (absent in older files: 0).
//
// Only the optimizer's hyperparameters are kept, not its state: a loaded model's optimizer starts
// fresh (no Adam moments, step count 0, so a per-step schedule starts over), as with Keras's
// model.save(include_optimizer=False).

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "nnlab/train/sequential.hpp"

namespace nnlab {

struct ModelMetadata {
    std::vector<std::string> class_names;  // class_names[i] names output i; may be empty
};

struct LoadedModel {
    std::unique_ptr<Sequential> model;  // built; compiled when the file says how
    ModelMetadata metadata;
};

// Writes a built model through write_file_atomically (the folder must exist). Throws nnlab::Error
// when the model is not built or the class names do not match its outputs.
void save_model(const Sequential& model, const std::filesystem::path& path, const ModelMetadata& meta = {});

// Reads and checks the whole file, rebuilds the layers, copies the weights in and, when the file
// has "compile", compiles the model with a fresh optimizer. Throws nnlab::Error naming the file and
// what is wrong with it (missing, truncated, corrupt header, shapes that do not match the layers…).
LoadedModel load_model(const std::filesystem::path& path);

}  // namespace nnlab
