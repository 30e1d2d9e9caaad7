// Layer registry — builds a layer from its description and back (Keras: layers.deserialize / serialize, and
// register_keras_serializable for a program's own layers).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "nnlab/config/reader.hpp"
#include "nnlab/config/registry.hpp"
#include "nnlab/layers/layer.hpp"

namespace nnlab {

using LayerRegistry = config::Registry<Layer>;

// Every layer type a description may name. Built in (Keras's names, keys and defaults): Activation,
// AveragePooling2D, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Dropout, Flatten, GlobalAveragePooling2D,
// GlobalMaxPooling2D, MaxPooling2D, Residual (layers, shortcut: nested lists of descriptions), Rescaling, Reshape,
// ZeroPadding2D. Sizes (kernel_size, strides, pool_size, …) take an integer or a pair, as in Keras.
LayerRegistry& layer_registry();

// Registers a program's own layer type, so that it is built from experiment files and model files like the
// built-in ones: `keys` are the keys of its description besides "type" and "name", and `factory` builds it from
// a description whose keys have been checked (config::Reader gives typed, located access to them). Its config()
// must write those keys back. Replaces an earlier registration of the same type.
void register_layer(std::string type, std::vector<std::string> keys, LayerRegistry::Factory factory);

// layer_from builds a layer from {"type": "Dense", "name": "dense_1" (optional), and the type's own keys}. Every key is
// checked, so a typo ("unit") is an error rather than a silent default. Throws config::ConfigError (a KeyError
// whose key() is the full path of the offending key, "units" or "layers[2].units") naming what was expected and
// what was found, with the file and line when the description has a source.
std::unique_ptr<Layer> layer_from(const config::Reader& description);
std::unique_ptr<Layer> make_layer(const config::Description& description);

// {"type", "name"} merged with layer.config() (the name is left out while the layer has none), so that
// make_layer(layer_description(layer)) rebuilds the same layer.
config::Description layer_description(const Layer& layer);

// The most layers a model may describe, nested ones (and the tables inside layers) counted: what an experiment
// file may ask for and a model file may hold, so that every run's model file loads back.
inline constexpr size_t max_model_layers = 10'000;

// The tables in a list of layer descriptions, nested ones counted (what max_model_layers bounds).
size_t count_layer_tables(const config::Description& layers);

}  // namespace nnlab
