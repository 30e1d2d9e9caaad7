// WeightOptions — the kernel/bias options Dense, Conv2D and DepthwiseConv2D share.
#include "nnlab/layers/weight_options.hpp"

#include "nnlab/core/error.hpp"

namespace nnlab {

const std::vector<std::string>& weight_option_keys() {
    static const std::vector<std::string> keys{"kernel_initializer", "bias_initializer", "kernel_regularizer",
                                               "bias_regularizer", "use_bias"};
    return keys;
}

WeightOptions weight_options_from(const config::Reader& layer) {
    WeightOptions options;
    if (const auto value = layer.child("kernel_initializer")) options.kernel_initializer = initializer_from(*value);
    if (const auto value = layer.child("bias_initializer")) options.bias_initializer = initializer_from(*value);
    if (const auto value = layer.child("kernel_regularizer")) options.kernel_regularizer = regularizer_from(*value);
    if (const auto value = layer.child("bias_regularizer")) options.bias_regularizer = regularizer_from(*value);
    options.use_bias = layer.boolean("use_bias").value_or(options.use_bias);
    return options;
}

void add_weight_options(const WeightOptions& options, nlohmann::json& config) {
    const WeightOptions defaults;
    if (options.kernel_initializer.name != defaults.kernel_initializer.name ||
        initializer_to_json(options.kernel_initializer).is_object())
        config["kernel_initializer"] = initializer_to_json(options.kernel_initializer);
    if (options.bias_initializer.name != defaults.bias_initializer.name ||
        initializer_to_json(options.bias_initializer).is_object())
        config["bias_initializer"] = initializer_to_json(options.bias_initializer);
    if (options.kernel_regularizer.active())
        config["kernel_regularizer"] = regularizer_to_json(options.kernel_regularizer);
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
