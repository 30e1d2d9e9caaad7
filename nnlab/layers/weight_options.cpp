// WeightOptions — the kernel/bias options Dense, Conv2D and DepthwiseConv2D share.
#include "nnlab/layers/weight_options.hpp"

#include "nnlab/core/error.hpp"

namespace nnlab {

const std::vector<std::string_view>& weight_option_keys() {
    static const std::vector<std::string_view> keys{"kernel_initializer", "bias_initializer", "kernel_regularizer",
                                                    "bias_regularizer", "use_bias"};
    return keys;
}

WeightOptions weight_options_from_json(const nlohmann::json& spec) {
    WeightOptions options;
    if (const auto it = spec.find("kernel_initializer"); it != spec.end())
        options.kernel_initializer = initializer_from_json("kernel_initializer", *it);
    if (const auto it = spec.find("bias_initializer"); it != spec.end())
        options.bias_initializer = initializer_from_json("bias_initializer", *it);
    if (const auto it = spec.find("kernel_regularizer"); it != spec.end())
        options.kernel_regularizer = regularizer_from_json("kernel_regularizer", *it);
    if (const auto it = spec.find("bias_regularizer"); it != spec.end())
        options.bias_regularizer = regularizer_from_json("bias_regularizer", *it);
    if (const auto it = spec.find("use_bias"); it != spec.end()) {
        if (!it->is_boolean()) throw KeyError("use_bias", "use_bias: expected true or false, got " + it->dump());
        options.use_bias = it->get<bool>();
    }
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
