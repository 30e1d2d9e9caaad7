// WeightOptions — the kernel/bias options Dense, Conv2D and DepthwiseConv2D share.
#include "nnlab/layers/weight_options.hpp"

#include "nnlab/core/error.hpp"

namespace nnlab {

std::vector<std::string> weight_option_keys(std::string_view kernel) {
    const std::string k(kernel);
    return {k + "_initializer", "bias_initializer", k + "_regularizer", "bias_regularizer", "use_bias"};
}

WeightOptions weight_options_from(const config::Reader& layer, std::string_view kernel) {
    const std::string k(kernel);
    WeightOptions options;
    if (const auto value = layer.child(k + "_initializer")) options.kernel_initializer = initializer_from(*value);
    if (const auto value = layer.child("bias_initializer")) options.bias_initializer = initializer_from(*value);
    if (const auto value = layer.child(k + "_regularizer")) options.kernel_regularizer = regularizer_from(*value);
    if (const auto value = layer.child("bias_regularizer")) options.bias_regularizer = regularizer_from(*value);
    options.use_bias = layer.boolean("use_bias").value_or(options.use_bias);
    return options;
}

void add_weight_options(const WeightOptions& options, nlohmann::json& config, std::string_view kernel) {
    const std::string k(kernel);
    const WeightOptions defaults;
    if (options.kernel_initializer.name != defaults.kernel_initializer.name ||
        initializer_to_json(options.kernel_initializer).is_object())
        config[k + "_initializer"] = initializer_to_json(options.kernel_initializer);
    if (options.bias_initializer.name != defaults.bias_initializer.name ||
        initializer_to_json(options.bias_initializer).is_object())
        config["bias_initializer"] = initializer_to_json(options.bias_initializer);
    if (options.kernel_regularizer.active())
        config[k + "_regularizer"] = regularizer_to_json(options.kernel_regularizer);
    if (options.bias_regularizer.active()) config["bias_regularizer"] = regularizer_to_json(options.bias_regularizer);
    if (!options.use_bias) config["use_bias"] = false;
}

Param kernel_param(const WeightOptions& options, Shape shape) {
    Param p;
    p.name = "kernel";
    p.shape = std::move(shape);
    p.initializer = options.kernel_initializer;
    p.regularizer = options.kernel_regularizer;
    return p;
}

Param bias_param(const WeightOptions& options, Shape shape) {
    Param p;
    p.name = "bias";
    p.shape = std::move(shape);
    p.initializer = options.bias_initializer;
    p.regularizer = options.bias_regularizer;
    return p;
}

}  // namespace nnlab
