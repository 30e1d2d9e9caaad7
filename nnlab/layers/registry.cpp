// Layer registry — builds a layer from its JSON spec and back (Keras: layers.deserialize / serialize).
#include "nnlab/layers/registry.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/activation.hpp"
#include "nnlab/layers/conv2d.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/depthwise_conv2d.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/layers/residual.hpp"
#include "nnlab/layers/weight_options.hpp"

namespace nnlab {
namespace {

using json = nlohmann::json;

// One known layer type: its own keys (besides "type" and "name") and how to build it from a spec
// whose keys have already been checked against that list.
struct LayerType {
    std::string_view type;
    std::vector<std::string_view> keys;
    std::unique_ptr<Layer> (*build)(const json& spec);
};

// The value as the user wrote it, strings quoted, so `units = "abc"` reads back as "abc".
std::string shown(const json& value) {
    return value.dump();
}

std::string joined(const std::vector<std::string_view>& words) {
    std::string text;
    for (std::string_view word : words) text += (text.empty() ? "" : ", ") + std::string(word);
    return text;
}

const json& required(const json& spec, const std::string& key, std::string_view type, std::string_view what) {
    const auto it = spec.find(key);
    if (it == spec.end()) {
        throw KeyError(key, key + ": missing; layer " + std::string(type) + " needs " + key + ", " + std::string(what));
    }
    return *it;
}

int64_t positive_integer(const std::string& key, const json& value) {
    const bool fits = value.is_number_integer() &&
                      (!value.is_number_unsigned() ||
                       value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
    if (!fits || value.get<int64_t>() <= 0) {
        throw KeyError(key, key + ": expected a positive integer, got " + shown(value));
    }
    return value.get<int64_t>();
}

std::string string_value(const std::string& key, const json& value) {
    if (!value.is_string()) throw KeyError(key, key + ": expected a string, got " + shown(value));
    return value.get<std::string>();
}

std::string optional_string(const json& spec, const std::string& key, std::string_view fallback) {
    const auto it = spec.find(key);
    return it == spec.end() ? std::string(fallback) : string_value(key, *it);
}

// Keras takes an integer or a pair for kernel_size, strides, dilation_rate and pool_size.
std::array<int64_t, 2> pair_value(const std::string& key, const json& value) {
    if (value.is_array()) {
        if (value.size() != 2)
            throw KeyError(key, key + ": expected an integer or a pair [height, width], got " + shown(value));
        return {positive_integer(key, value[0]), positive_integer(key, value[1])};
    }
    const int64_t both = positive_integer(key, value);
    return {both, both};
}

std::array<int64_t, 2> optional_pair(const json& spec, const std::string& key, std::array<int64_t, 2> fallback) {
    const auto it = spec.find(key);
    return it == spec.end() ? fallback : pair_value(key, *it);
}

int64_t optional_positive(const json& spec, const std::string& key, int64_t fallback) {
    const auto it = spec.find(key);
    return it == spec.end() ? fallback : positive_integer(key, *it);
}

std::unique_ptr<Layer> build_conv2d(const json& spec) {
    const int64_t filters = positive_integer("filters", required(spec, "filters", "Conv2D", "a positive integer"));
    const auto kernel_size =
        pair_value("kernel_size", required(spec, "kernel_size", "Conv2D", "an integer or a pair [height, width]"));
    return std::make_unique<Conv2D>(filters, kernel_size,
                                    Conv2DOptions{.strides = optional_pair(spec, "strides", {1, 1}),
                                                  .padding = optional_string(spec, "padding", "valid"),
                                                  .dilation_rate = optional_pair(spec, "dilation_rate", {1, 1}),
                                                  .activation = optional_string(spec, "activation", "linear"),
                                                  .weights = weight_options_from_json(spec)});
}

std::unique_ptr<Layer> build_depthwise_conv2d(const json& spec) {
    const auto kernel_size = pair_value(
        "kernel_size", required(spec, "kernel_size", "DepthwiseConv2D", "an integer or a pair [height, width]"));
    return std::make_unique<DepthwiseConv2D>(
        kernel_size, DepthwiseConv2DOptions{.strides = optional_pair(spec, "strides", {1, 1}),
                                            .padding = optional_string(spec, "padding", "valid"),
                                            .depth_multiplier = optional_positive(spec, "depth_multiplier", 1),
                                            .dilation_rate = optional_pair(spec, "dilation_rate", {1, 1}),
                                            .activation = optional_string(spec, "activation", "linear"),
                                            .weights = depthwise_weight_options_from_json(spec)});
}

std::unique_ptr<Layer> build_activation(const json& spec) {
    return std::make_unique<Activation>(
        string_value("activation", required(spec, "activation", "Activation", "the name of an activation")));
}

std::unique_ptr<Layer> build_dense(const json& spec) {
    const int64_t units = positive_integer("units", required(spec, "units", "Dense", "a positive integer"));
    return std::make_unique<Dense>(units, optional_string(spec, "activation", "linear"),
                                   weight_options_from_json(spec));
}

// A nested list of layer specs; an error inside names its place ("layers[2]: units: …") under the list's key, so
// the config reader can still point at the block.
LayerList layer_list(const json& spec, const std::string& key, bool required_key) {
    const auto it = spec.find(key);
    if (it == spec.end()) {
        if (required_key)
            throw KeyError(key, key + ": missing; a Residual block needs its main branch as a list of layers");
        return {};
    }
    if (!it->is_array()) throw KeyError(key, key + ": expected a list of layer tables, got " + shown(*it));
    LayerList layers;
    for (size_t i = 0; i < it->size(); ++i) {
        try {
            layers.push_back(make_layer((*it)[i]));
        } catch (const KeyError& error) {
            throw KeyError(key, key + "[" + std::to_string(i) + "]: " + error.what());
        }
    }
    return layers;
}

std::unique_ptr<Layer> build_residual(const json& spec) {
    return std::make_unique<Residual>(layer_list(spec, "layers", true), layer_list(spec, "shortcut", false),
                                      optional_string(spec, "activation", "linear"));
}

std::unique_ptr<Layer> build_flatten(const json&) {
    return std::make_unique<Flatten>();
}

std::vector<std::string_view> with_weight_options(std::vector<std::string_view> keys) {
    keys.insert(keys.end(), weight_option_keys().begin(), weight_option_keys().end());
    return keys;
}

std::vector<std::string_view> depthwise_keys() {
    std::vector<std::string_view> keys{"kernel_size",      "strides",       "padding",
                                       "depth_multiplier", "dilation_rate", "activation"};
    keys.insert(keys.end(), depthwise_weight_option_keys().begin(), depthwise_weight_option_keys().end());
    return keys;
}

// In alphabetical order, the order error messages list them in. A constant table, built once.
const std::vector<LayerType>& layer_types() {
    static const std::vector<LayerType> types{
        {"Activation", {"activation"}, build_activation},
        {"Conv2D", with_weight_options({"filters", "kernel_size", "strides", "padding", "dilation_rate", "activation"}),
         build_conv2d},
        {"Dense", with_weight_options({"units", "activation"}), build_dense},
        {"DepthwiseConv2D", depthwise_keys(), build_depthwise_conv2d},
        {"Flatten", {}, build_flatten},
        {"Residual", {"layers", "shortcut", "activation"}, build_residual},
    };
    return types;
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

const LayerType& find_type(const json& spec) {
    std::vector<std::string_view> names;
    for (const LayerType& t : layer_types()) names.push_back(t.type);
    if (!spec.is_object()) {
        throw KeyError("type", "type: expected a layer (a table with a type and its keys), got " + shown(spec));
    }
    const auto it = spec.find("type");
    if (it == spec.end()) throw KeyError("type", "type: missing; expected one of " + joined(names));
    const std::string type = string_value("type", *it);
    for (const LayerType& t : layer_types())
        if (t.type == type) return t;
    std::string message = "type: unknown layer type '" + type + "'; expected one of " + joined(names);
    // Keras users may write the type in lower case ("dense").
    for (const LayerType& t : layer_types())
        if (same_ignoring_case(t.type, type)) message += " (did you mean '" + std::string(t.type) + "'?)";
    throw KeyError("type", message);
}

// A misspelt key must not fall back silently to a default, so every key has to be known.
void reject_unknown_keys(const json& spec, const LayerType& type) {
    std::vector<std::string_view> allowed{"name", "type"};
    allowed.insert(allowed.end(), type.keys.begin(), type.keys.end());
    for (const auto& [key, value] : spec.items()) {
        if (std::ranges::find(allowed, key) == allowed.end()) {
            throw KeyError(key, "unknown key '" + key + "' for layer " + std::string(type.type) + "; expected one of " +
                                    joined(allowed));
        }
    }
}

}  // namespace

std::unique_ptr<Layer> make_layer(const json& spec) {
    const LayerType& type = find_type(spec);
    reject_unknown_keys(spec, type);
    std::string name;
    if (const auto it = spec.find("name"); it != spec.end()) {
        if (!it->is_string() || it->get<std::string>().empty()) {
            throw KeyError("name", "name: expected a non-empty string, got " + shown(*it));
        }
        name = it->get<std::string>();
    }
    std::unique_ptr<Layer> layer = type.build(spec);
    layer->set_name(std::move(name));
    return layer;
}

json layer_spec(const Layer& layer) {
    json spec = layer.config();
    spec["type"] = layer.type();
    if (!layer.name().empty()) spec["name"] = layer.name();
    return spec;
}

}  // namespace nnlab
