// Model file — a Sequential's architecture, weights and class names in one safetensors file (Keras: model.save).
#pragma once

// Format, version "2" (files of version "1" still load). The layout is safetensors
// (github.com/huggingface/safetensors), so any safetensors reader (Python's safetensors.numpy.load_file, …) gets
// the weights as named arrays.
//
//   bytes [0, 8)        N, the length of the header: an unsigned 64-bit integer, little-endian.
//   bytes [8, 8 + N)    the header: a UTF-8 JSON object, padded at the end with spaces (0x20) so
//                       that N is a multiple of 8 and the tensor data starts 8-byte aligned.
//   bytes [8 + N, end)  the data section: each tensor's values as raw little-endian IEEE float32 in
//                       row-major (C) order, one tensor after another with no gaps, in layer order
//                       and, within a layer, in the order of its parameters; then the preprocessing's.
//
// Every header key but "__metadata__" names a tensor "<layer name>/<parameter name>":
//   "dense/kernel": {"dtype": "F32", "shape": [3072, 512], "data_offsets": [begin, end]}
// begin and end are byte offsets from the start of the data section (end exclusive), so
// end - begin = 4 * (product of shape); together the tensors cover the data section exactly.
// Parameters are named and shaped as in Keras: Dense has "kernel" (inputs, units) and "bias" (units).
// What the training's standardisation learnt from the training images is stored the same way, under
// "preprocessing/mean" and "preprocessing/std" (channels) and "preprocessing/zca_matrix" (H·W·C, H·W·C), each
// present when that standardisation is on.
//
// "__metadata__" maps strings to strings (safetensors allows nothing else), so structured values
// are JSON text inside the string:
//   "format"          "nnlab"
//   "format_version"  "2"; a reader refuses a version it does not know.
//   "model"           {"name": "sequential", "input_shape": [32, 32, 3], "layers": [
//                        {"type": "Flatten", "name": "flatten"},
//                        {"type": "Dense", "name": "dense", "units": 512, "activation": "linear"}, …]}
//                     input_shape is one sample's shape (no batch axis, channels last); each layer
//                     is the description make_layer() builds from (nnlab/layers/registry.hpp).
//   "compile"         {"loss": {"type": "categorical_crossentropy", "label_smoothing": 0.1},
//                      "optimizer": {"type": "adam", …}, "metrics": ["accuracy"], "precision": "float32"}
//                     present only when the model was compiled; "loss" and "optimizer" are the
//                     descriptions make_loss() and make_optimizer() read (version 1 files hold the
//                     loss's name alone); files without "metrics" track accuracy, files without
//                     "precision" are float32.
//   "class_names"     ["airplane", "automobile", …], the name of each output index; may be [].
//   "seed"            "42": the run's seed as decimal text, so that further training shuffles as
//                     the run did (absent in older files: 0).
//   "training"        {"dataset": "cifar10", "image_shape": [32, 32, 3], "batch_size": 64,
//                      "augment": {the [augment] description, every key}, "nnlab_version": "0.1.0"}:
//                     how the model was trained, so that evaluate, predict and ensemble take its
//                     dataset, batch size and standardisation by default. Absent in version 1 files;
//                     "augment" absent when training had none. For a .csv dataset also "data_options":
//                     the [data] keys that read it (label_column, header, skip_rows, test_file or
//                     test_split and split_seed).
//
// Only the optimizer's hyperparameters are kept, not its state: a loaded model's optimizer starts
// fresh (no Adam moments, step count 0, so a per-step schedule starts over), as with Keras's
// model.save(include_optimizer=False).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nnlab/data/augment/augment.hpp"
#include "nnlab/data/formats/array_dataset.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

// What a model file records beside the layers and weights.
struct ModelMetadata {
    std::vector<std::string> class_names;  // class_names[i] names output i; may be empty
    // How the model was trained; empty (and 0) when unknown, as in files of format version 1.
    std::string dataset;                   // a known name ("cifar10") or an image folder's path
    Shape image_shape;                     // (H, W, C) of the training images
    int64_t batch_size = 0;                // training's batch size
    std::optional<AugmentConfig> augment;  // the training's augmentation (Keras's ImageDataGenerator arguments)
    FittedStatistics statistics;           // what its standardisation learnt from the training images
    CsvDatasetOptions csv;                 // for a .csv dataset: how its rows were read and split
    std::string nnlab_version;             // read from a file; save_model writes this build's version
};

struct LoadedModel {
    std::unique_ptr<Sequential> model;  // built; compiled when the file says how
    ModelMetadata metadata;
    // The standardisation training applied to every image (featurewise or samplewise centring and scaling, ZCA),
    // fitted as in training; to be given to evaluate(), predict_probabilities() and the Loader so that inputs are
    // what the model learnt on. Empty when training used none (plain pixel / 255).
    std::optional<Augmenter> preprocessing;
};

// Whether its training flipped images horizontally; std::nullopt when the file does not say (format version 1).
std::optional<bool> trained_with_horizontal_flips(const ModelMetadata& metadata);

// The metadata of a model trained on `train` with `augmenter` (may be null): class names, dataset, image shape,
// batch size, augmentation and its fitted statistics.
ModelMetadata training_metadata(const Dataset& train, const std::string& dataset, int64_t batch_size,
                                const Augmenter* augmenter, const CsvDatasetOptions& csv = {});

// Writes a built model through write_file_atomically (the folder must exist). Throws nnlab::Error
// when the model is not built, the class names do not match its outputs or the statistics its augmentation.
void save_model(const Sequential& model, const std::filesystem::path& path, const ModelMetadata& meta = {});
// The bytes save_model writes; `where` begins its error messages.
std::string encode_model(const Sequential& model, const ModelMetadata& meta, const std::string& where);

// Reads and checks the whole file, rebuilds the layers, copies the weights in and, when the file
// has "compile", compiles the model with a fresh optimizer; rebuilds the standardisation of its
// training. Throws nnlab::Error naming the file and what is wrong with it (missing, truncated, corrupt
// header, shapes that do not match the layers…).
LoadedModel load_model(const std::filesystem::path& path);

// Copies the weights of the model in `path` into `model` (Keras: model.load_weights), layer by layer in order:
// every parameter must have the shape of the one at its place (names may differ). Throws nnlab::Error naming the
// file and the first parameter that does not match.
void load_weights(Sequential& model, const std::filesystem::path& path);

}  // namespace nnlab
