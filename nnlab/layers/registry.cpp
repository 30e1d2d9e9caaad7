// Layer registry — the built-in layer types, how each reads its description, and a program's own types
// (Keras: layers.deserialize / serialize).
#include "nnlab/layers/registry.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
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
#include "nnlab/layers/normalization.hpp"
#include "nnlab/layers/patch_whitening.hpp"
#include "nnlab/layers/rescaling.hpp"
#include "nnlab/layers/reshape.hpp"
#include "nnlab/layers/residual.hpp"
#include "nnlab/layers/weight_options.hpp"
#include "nnlab/layers/zero_padding2d.hpp"

namespace nnlab {
namespace {

using config::Reader;

// Sizes are bounded (Shape::max_dimension) so that no product of a few of them overflows before it is checked.
bool is_size(const config::Description& value) {
    return value.is_number_integer() && value.get<int64_t>() > 0 &&  // above INT64_MAX reads negative: refused
           value.get<int64_t>() <= Shape::max_dimension;
}

const std::string size_range = "from 1 to " + std::to_string(Shape::max_dimension);

// Keras takes an integer or a pair for kernel_size, strides, dilation_rate and pool_size.
std::array<int64_t, 2> pair_of(const Reader& layer, const std::string& key) {
    const config::Description& value = layer.child(key)->value();
    if (is_size(value)) return {value.get<int64_t>(), value.get<int64_t>()};
    if (value.is_array() && value.size() == 2 && is_size(value[0]) && is_size(value[1]))
        return {value[0].get<int64_t>(), value[1].get<int64_t>()};
    layer.wrong_type(key, "an integer or a pair [height, width] of integers " + size_range);
}

std::array<int64_t, 2> optional_pair(const Reader& layer, const std::string& key, std::array<int64_t, 2> fallback) {
    return layer.has(key) ? pair_of(layer, key) : fallback;
}

std::array<int64_t, 2> required_pair(const Reader& layer, const std::string& key, const std::string& type) {
    layer.require(key, "layer " + type + " needs " + key + ", an integer or a pair [height, width]");
    return pair_of(layer, key);
}

int64_t required_positive(const Reader& layer, const std::string& key, const std::string& type) {
    layer.require(key, "layer " + type + " needs " + key + ", a positive integer");
    return *layer.integer(key, 1, Shape::max_dimension);
}

std::string activation_of(const Reader& layer) {
    return layer.string("activation").value_or("linear");
}

std::unique_ptr<Layer> conv2d_from(const Reader& layer) {
    const int64_t filters = required_positive(layer, "filters", "Conv2D");
    const auto kernel_size = required_pair(layer, "kernel_size", "Conv2D");
    return std::make_unique<Conv2D>(filters, kernel_size,
                                    Conv2DOptions{.strides = optional_pair(layer, "strides", {1, 1}),
                                                  .padding = layer.string("padding").value_or("valid"),
                                                  .dilation_rate = optional_pair(layer, "dilation_rate", {1, 1}),
                                                  .activation = activation_of(layer),
                                                  .weights = weight_options_from(layer)});
}

std::unique_ptr<Layer> depthwise_conv2d_from(const Reader& layer) {
    const auto kernel_size = required_pair(layer, "kernel_size", "DepthwiseConv2D");
    return std::make_unique<DepthwiseConv2D>(
        kernel_size, DepthwiseConv2DOptions{
                         .strides = optional_pair(layer, "strides", {1, 1}),
                         .padding = layer.string("padding").value_or("valid"),
                         .depth_multiplier = layer.integer("depth_multiplier", 1, Shape::max_dimension).value_or(1),
                         .dilation_rate = optional_pair(layer, "dilation_rate", {1, 1}),
                         .activation = activation_of(layer),
                         .weights = weight_options_from(layer, "depthwise")});
}

std::unique_ptr<Layer> patch_whitening_from(const Reader& layer) {
    const PatchWhiteningOptions defaults;
    return std::make_unique<PatchWhitening>(
        PatchWhiteningOptions{.kernel_size = layer.integer("kernel_size", 1, 64).value_or(defaults.kernel_size),
                              .epsilon = layer
                                             .number(
                                                 "epsilon", [](double v) { return v > 0.0; }, "a number > 0")
                                             .value_or(defaults.epsilon),
                              .samples = layer.integer("samples", 1, int64_t{1} << 40).value_or(defaults.samples),
                              .activation = activation_of(layer)});
}

PoolingOptions pooling_options(const Reader& layer) {
    PoolingOptions options{.strides = std::nullopt, .padding = layer.string("padding").value_or("valid")};
    if (const auto strides = layer.child("strides"); strides && !strides->value().is_null())
        options.strides = pair_of(layer, "strides");
    return options;
}

std::unique_ptr<Layer> max_pooling2d_from(const Reader& layer) {
    return std::make_unique<MaxPooling2D>(optional_pair(layer, "pool_size", {2, 2}), pooling_options(layer));
}

std::unique_ptr<Layer> average_pooling2d_from(const Reader& layer) {
    return std::make_unique<AveragePooling2D>(optional_pair(layer, "pool_size", {2, 2}), pooling_options(layer));
}

std::unique_ptr<Layer> global_average_pooling2d_from(const Reader& layer) {
    return std::make_unique<GlobalAveragePooling2D>(layer.boolean("keepdims").value_or(false));
}

std::unique_ptr<Layer> global_max_pooling2d_from(const Reader& layer) {
    return std::make_unique<GlobalMaxPooling2D>(layer.boolean("keepdims").value_or(false));
}

std::unique_ptr<Layer> batch_normalization_from(const Reader& layer) {
    BatchNormalizationOptions options;
    options.axis = static_cast<int>(layer.integer("axis", -8, 8).value_or(options.axis));
    options.momentum = layer.number("momentum").value_or(options.momentum);
    options.epsilon = layer.number("epsilon").value_or(options.epsilon);
    options.center = layer.boolean("center").value_or(options.center);
    options.scale = layer.boolean("scale").value_or(options.scale);
    options.synchronized = layer.boolean("synchronized").value_or(options.synchronized);
    for (auto [key, target] : {std::pair{"beta_initializer", &options.beta_initializer},
                               {"gamma_initializer", &options.gamma_initializer},
                               {"moving_mean_initializer", &options.moving_mean_initializer},
                               {"moving_variance_initializer", &options.moving_variance_initializer}}) {
        if (const auto value = layer.child(key)) *target = initializer_from(*value);
    }
    for (auto [key, target] : {std::pair{"beta_regularizer", &options.beta_regularizer},
                               {"gamma_regularizer", &options.gamma_regularizer}}) {
        if (const auto value = layer.child(key)) *target = regularizer_from(*value);
    }
    return std::make_unique<BatchNormalization>(options);
}

std::unique_ptr<Layer> dropout_from(const Reader& layer) {
    layer.require("rate", "layer Dropout needs rate, the fraction of units to drop, in [0, 1)");
    std::optional<uint64_t> seed;
    if (const auto value = layer.child("seed"); value && !value->value().is_null())
        seed = static_cast<uint64_t>(*layer.integer("seed", 0, std::numeric_limits<int64_t>::max()));
    return std::make_unique<Dropout>(*layer.number("rate"), seed);
}

// Keras's three forms: 1, [1, 2] (symmetric height, width) and [[top, bottom], [left, right]].
std::unique_ptr<Layer> zero_padding2d_from(const Reader& layer) {
    if (!layer.has("padding")) return std::make_unique<ZeroPadding2D>();
    const std::string expected = "an integer >= 0, [height, width] or [[top, bottom], [left, right]]";
    const config::Description& value = layer.child("padding")->value();
    const auto size = [&](const config::Description& v) {
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > (int64_t{1} << 31))
            layer.wrong_type("padding", expected);
        return v.get<int64_t>();
    };
    if (!value.is_array()) return std::make_unique<ZeroPadding2D>(size(value));
    if (value.size() != 2) layer.wrong_type("padding", expected);
    if (!value[0].is_array()) return std::make_unique<ZeroPadding2D>(size(value[0]), size(value[1]));
    std::array<std::array<int64_t, 2>, 2> sides{};
    for (size_t axis = 0; axis < 2; ++axis) {
        if (!value[axis].is_array() || value[axis].size() != 2) layer.wrong_type("padding", expected);
        for (size_t side = 0; side < 2; ++side) sides[axis][side] = size(value[axis][side]);
    }
    return std::make_unique<ZeroPadding2D>(sides);
}

std::unique_ptr<Layer> reshape_from(const Reader& layer) {
    layer.require("target_shape", "layer Reshape needs target_shape, a list of sizes such as [8, 8, 16]");
    std::vector<int64_t> dims;
    for (const Reader& d : layer.items("target_shape")) {
        if (!d.value().is_number_integer() || (!is_size(d.value()) && d.value() != -1))
            layer.wrong_type("target_shape", "a list of sizes " + size_range + " (-1 for one inferred size)");
        dims.push_back(d.value().get<int64_t>());
    }
    return std::make_unique<Reshape>(std::move(dims));
}

std::unique_ptr<Layer> normalization_from(const Reader& layer) {
    if (const auto axis = layer.integer("axis", -64, 64); axis && *axis != -1)
        layer.fail("axis", "only axis = -1 (statistics per feature of the last axis, Keras's default) is supported");
    return std::make_unique<Normalization>(layer.integer("samples", 1, int64_t{1} << 40).value_or(100000));
}

std::unique_ptr<Layer> rescaling_from(const Reader& layer) {
    layer.require("scale", "layer Rescaling needs scale, a number such as 0.00392156862745098 (1/255)");
    return std::make_unique<Rescaling>(*layer.number("scale"), layer.number("offset").value_or(0.0));
}

std::unique_ptr<Layer> activation_from(const Reader& layer) {
    layer.require("activation", "layer Activation needs activation, the name of an activation");
    return std::make_unique<Activation>(*layer.string("activation"));
}

std::unique_ptr<Layer> dense_from(const Reader& layer) {
    const int64_t units = required_positive(layer, "units", "Dense");
    return std::make_unique<Dense>(units, activation_of(layer), weight_options_from(layer));
}

// A nested list of layer descriptions; an error inside names its place ("layers[2].units").
LayerList layer_list(const Reader& layer, const std::string& key) {
    LayerList layers;
    for (const Reader& item : layer.items(key)) layers.push_back(layer_from(item));
    return layers;
}

std::unique_ptr<Layer> residual_from(const Reader& layer) {
    layer.require("layers", "a Residual block needs its main branch as a list of layers");
    return std::make_unique<Residual>(layer_list(layer, "layers"), layer_list(layer, "shortcut"), activation_of(layer));
}

std::unique_ptr<Layer> flatten_from(const Reader&) {
    return std::make_unique<Flatten>();
}

std::vector<std::string> with(std::vector<std::string> keys, const std::vector<std::string>& more) {
    keys.insert(keys.end(), more.begin(), more.end());
    return keys;
}

// In alphabetical order, the order error messages list them in.
void register_builtin_layers(LayerRegistry& registry) {
    const std::vector<std::string> pooling{"pool_size", "strides", "padding"};
    registry.add({"Activation", {"activation"}, activation_from, {}});
    registry.add({"AveragePooling2D", pooling, average_pooling2d_from, {}});
    registry.add({"BatchNormalization",
                  {"axis", "momentum", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer",
                   "moving_mean_initializer", "moving_variance_initializer", "beta_regularizer", "gamma_regularizer",
                   "synchronized"},
                  batch_normalization_from,
                  {}});
    registry.add(
        {"Conv2D",
         with({"filters", "kernel_size", "strides", "padding", "dilation_rate", "activation"}, weight_option_keys()),
         conv2d_from,
         {}});
    registry.add({"Dense", with({"units", "activation"}, weight_option_keys()), dense_from, {}});
    registry.add({"DepthwiseConv2D",
                  with({"kernel_size", "strides", "padding", "depth_multiplier", "dilation_rate", "activation"},
                       weight_option_keys("depthwise")),
                  depthwise_conv2d_from,
                  {}});
    registry.add({"Dropout", {"rate", "seed"}, dropout_from, {}});
    registry.add({"Flatten", {}, flatten_from, {}});
    registry.add({"GlobalAveragePooling2D", {"keepdims"}, global_average_pooling2d_from, {}});
    registry.add({"GlobalMaxPooling2D", {"keepdims"}, global_max_pooling2d_from, {}});
    registry.add({"MaxPooling2D", pooling, max_pooling2d_from, {}});
    registry.add({"Normalization", {"axis", "samples"}, normalization_from, {}});
    registry.add({"PatchWhitening", {"kernel_size", "epsilon", "samples", "activation"}, patch_whitening_from, {}});
    registry.add({"Residual", {"layers", "shortcut", "activation"}, residual_from, {}});
    registry.add({"Rescaling", {"scale", "offset"}, rescaling_from, {}});
    registry.add({"Reshape", {"target_shape"}, reshape_from, {}});
    registry.add({"ZeroPadding2D", {"padding"}, zero_padding2d_from, {}});
}

}  // namespace

LayerRegistry& layer_registry() {
    static LayerRegistry registry("layer", {"name", "trainable"});
    static const bool registered = (register_builtin_layers(registry), true);
    (void)registered;
    return registry;
}

void register_layer(std::string type, std::vector<std::string> keys, LayerRegistry::Factory factory) {
    layer_registry().add({std::move(type), std::move(keys), std::move(factory), {}});
}

std::unique_ptr<Layer> layer_from(const config::Reader& description) {
    std::unique_ptr<Layer> layer = layer_registry().make(description);
    if (const auto name = description.child("name")) {
        if (!name->value().is_string() || name->value().get<std::string>().empty())
            description.wrong_type("name", "a non-empty string");
        layer->set_name(name->value().get<std::string>());
    }
    if (const auto trainable = description.boolean("trainable")) layer->set_trainable(*trainable);
    return layer;
}

std::unique_ptr<Layer> make_layer(const config::Description& description) {
    return layer_from(config::Reader(description));
}

config::Description layer_description(const Layer& layer) {
    config::Description description = layer.config();
    description["type"] = layer.type();
    if (!layer.name().empty()) description["name"] = layer.name();
    if (!layer.trainable()) description["trainable"] = false;
    return description;
}

size_t count_layer_tables(const config::Description& layers) {
    size_t count = layers.is_object() ? 1 : 0;
    if (layers.is_structured())
        for (const config::Description& item : layers) count += count_layer_tables(item);
    return count;
}

}  // namespace nnlab
