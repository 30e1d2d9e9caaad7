// Layer registry — builds a layer from its JSON spec and back (Keras: layers.deserialize / serialize).
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "nnlab/layers/layer.hpp"

namespace nnlab {

// Builds a layer from {"type": "Dense", "name": "dense_1" (optional), and the layer's own keys}.
// Known types (Keras's names, keys and defaults): Activation, AveragePooling2D, BatchNormalization, Conv2D,
// Dense, DepthwiseConv2D, Dropout, Flatten, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D, Residual
// (layers, shortcut: nested lists of specs), Reshape, ZeroPadding2D. Sizes (kernel_size, strides, pool_size, …)
// take an integer or a pair, as in Keras.
// Every key is checked, so a typo ("unit") is an error rather than a silent default. Throws
// nnlab::KeyError whose key() is exactly the offending key ("type", "units", "unit", …), so a config
// reader can point at the line it came from.
std::unique_ptr<Layer> make_layer(const nlohmann::json& spec);

// {"type", "name"} merged with layer.config() (the name is left out while the layer has none), so
// that make_layer(layer_spec(layer)) rebuilds the same layer.
nlohmann::json layer_spec(const Layer& layer);

}  // namespace nnlab
