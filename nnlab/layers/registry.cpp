// Layer registry — builds a layer from its JSON spec and back (Keras: layers.deserialize / serialize).
#include "nnlab/layers/registry.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/activation.hpp"
#include "nnlab/layers/average_pooling2d.hpp"
#include "nnlab/layers/batch_normalization.hpp"
#include "nnlab/layers/conv2d.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/depthwise_conv2d.hpp"
#include "nnlab/layers/dropout.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/layers/global_pooling2d.hpp"
#include "nnlab/layers/max_pooling2d.hpp"
#include "nnlab/layers/rescaling.hpp"
#include "nnlab/layers/reshape.hpp"
#include "nnlab/layers/residual.hpp"
#include "nnlab/layers/weight_options.hpp"
#include "nnlab/layers/zero_padding2d.hpp"

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

double optional_number(const json& spec, const std::string& key, double fallback) {
    const auto it = spec.find(key);
    if (it == spec.end()) return fallback;
    if (!it->is_number()) throw KeyError(key, key + ": expected a number, got " + shown(*it));
    return it->get<double>();
}

bool optional_boolean(const json& spec, const std::string& key, bool fallback) {
    const auto it = spec.find(key);
    if (it == spec.end()) return fallback;
    if (!it->is_boolean()) throw KeyError(key, key + ": expected true or false, got " + shown(*it));
    return it->get<bool>();
}

int64_t non_negative_integer(const std::string& key, const json& value) {
    if (!value.is_number_integer() || value.get<int64_t>() < 0)
        throw KeyError(key, key + ": expected a non-negative integer, got " + shown(value));
    return value.get<int64_t>();
}

PoolingOptions pooling_options(const json& spec) {
    PoolingOptions options{.strides = std::nullopt, .padding = optional_string(spec, "padding", "valid")};
    if (const auto it = spec.find("strides"); it != spec.end() && !it->is_null())
        options.strides = pair_value("strides", *it);
    return options;
}

std::unique_ptr<Layer> build_max_pooling2d(const json& spec) {
    return std::make_unique<MaxPooling2D>(optional_pair(spec, "pool_size", {2, 2}), pooling_options(spec));
}

std::unique_ptr<Layer> build_average_pooling2d(const json& spec) {
    return std::make_unique<AveragePooling2D>(optional_pair(spec, "pool_size", {2, 2}), pooling_options(spec));
}

std::unique_ptr<Layer> build_global_average_pooling2d(const json& spec) {
    return std::make_unique<GlobalAveragePooling2D>(optional_boolean(spec, "keepdims", false));
}

std::unique_ptr<Layer> build_global_max_pooling2d(const json& spec) {
    return std::make_unique<GlobalMaxPooling2D>(optional_boolean(spec, "keepdims", false));
}

std::unique_ptr<Layer> build_batch_normalization(const json& spec) {
    BatchNormalizationOptions options;
    if (const auto it = spec.find("axis"); it != spec.end()) {
        if (!it->is_number_integer()) throw KeyError("axis", "axis: expected an integer, got " + shown(*it));
        options.axis = it->get<int>();
    }
    options.momentum = optional_number(spec, "momentum", options.momentum);
    options.epsilon = optional_number(spec, "epsilon", options.epsilon);
    options.center = optional_boolean(spec, "center", options.center);
    options.scale = optional_boolean(spec, "scale", options.scale);
    for (auto [key, target] : {std::pair{"beta_initializer", &options.beta_initializer},
                               {"gamma_initializer", &options.gamma_initializer},
                               {"moving_mean_initializer", &options.moving_mean_initializer},
                               {"moving_variance_initializer", &options.moving_variance_initializer}}) {
        if (const auto it = spec.find(key); it != spec.end()) *target = initializer_from_json(key, *it);
    }
    for (auto [key, target] : {std::pair{"beta_regularizer", &options.beta_regularizer},
                               {"gamma_regularizer", &options.gamma_regularizer}}) {
        if (const auto it = spec.find(key); it != spec.end()) *target = regularizer_from_json(key, *it);
    }
    return std::make_unique<BatchNormalization>(options);
}

std::unique_ptr<Layer> build_dropout(const json& spec) {
    const json& rate = required(spec, "rate", "Dropout", "the fraction of units to drop, in [0, 1)");
    if (!rate.is_number()) throw KeyError("rate", "rate: expected a number in [0, 1), got " + shown(rate));
    std::optional<uint64_t> seed;
    if (const auto it = spec.find("seed"); it != spec.end() && !it->is_null())
        seed = static_cast<uint64_t>(non_negative_integer("seed", *it));
    return std::make_unique<Dropout>(rate.get<double>(), seed);
}

// Keras's three forms: 1, [1, 2] (symmetric height, width) and [[top, bottom], [left, right]].
std::unique_ptr<Layer> build_zero_padding2d(const json& spec) {
    const auto it = spec.find("padding");
    if (it == spec.end()) return std::make_unique<ZeroPadding2D>();
    const json& value = *it;
    const std::string expected =
        "padding: expected an integer, [height, width] or [[top, bottom], [left, right]], got ";
    if (!value.is_array()) return std::make_unique<ZeroPadding2D>(non_negative_integer("padding", value));
    if (value.size() != 2) throw KeyError("padding", expected + shown(value));
    if (!value[0].is_array())
        return std::make_unique<ZeroPadding2D>(non_negative_integer("padding", value[0]),
                                               non_negative_integer("padding", value[1]));
    std::array<std::array<int64_t, 2>, 2> sides{};
    for (size_t axis = 0; axis < 2; ++axis) {
        if (!value[axis].is_array() || value[axis].size() != 2) throw KeyError("padding", expected + shown(value));
        for (size_t side = 0; side < 2; ++side) sides[axis][side] = non_negative_integer("padding", value[axis][side]);
    }
    return std::make_unique<ZeroPadding2D>(sides);
}

std::unique_ptr<Layer> build_reshape(const json& spec) {
    const json& target = required(spec, "target_shape", "Reshape", "a list of sizes such as [8, 8, 16]");
    if (!target.is_array())
        throw KeyError("target_shape", "target_shape: expected a list of sizes, got " + shown(target));
    std::vector<int64_t> dims;
    for (const json& d : target) {
        if (!d.is_number_integer())
            throw KeyError("target_shape",
                           "target_shape: expected integers (−1 for one inferred size), got " + shown(target));
        dims.push_back(d.get<int64_t>());
    }
    return std::make_unique<Reshape>(std::move(dims));
}

std::unique_ptr<Layer> build_rescaling(const json& spec) {
    const json& scale = required(spec, "scale", "Rescaling", "a number such as 0.00392156862745098 (1/255)");
    if (!scale.is_number()) throw KeyError("scale", "scale: expected a number, got " + shown(scale));
    return std::make_unique<Rescaling>(scale.get<double>(), optional_number(spec, "offset", 0.0));
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
        {"AveragePooling2D", {"pool_size", "strides", "padding"}, build_average_pooling2d},
        {"BatchNormalization",
         {"axis", "momentum", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer",
          "moving_mean_initializer", "moving_variance_initializer", "beta_regularizer", "gamma_regularizer"},
         build_batch_normalization},
        {"Conv2D", with_weight_options({"filters", "kernel_size", "strides", "padding", "dilation_rate", "activation"}),
         build_conv2d},
        {"Dense", with_weight_options({"units", "activation"}), build_dense},
        {"DepthwiseConv2D", depthwise_keys(), build_depthwise_conv2d},
        {"Dropout", {"rate", "seed"}, build_dropout},
        {"Flatten", {}, build_flatten},
        {"GlobalAveragePooling2D", {"keepdims"}, build_global_average_pooling2d},
        {"GlobalMaxPooling2D", {"keepdims"}, build_global_max_pooling2d},
        {"MaxPooling2D", {"pool_size", "strides", "padding"}, build_max_pooling2d},
        {"Residual", {"layers", "shortcut", "activation"}, build_residual},
        {"Rescaling", {"scale", "offset"}, build_rescaling},
        {"Reshape", {"target_shape"}, build_reshape},
        {"ZeroPadding2D", {"padding"}, build_zero_padding2d},
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
