// WeightOptions — what the layers with a kernel and a bias (Dense, Conv2D, …) share: Keras's
// kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer and use_bias.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/config/reader.hpp"
#include "nnlab/layers/initializer.hpp"
#include "nnlab/layers/param.hpp"
#include "nnlab/layers/regularizer.hpp"

namespace nnlab {

struct WeightOptions {
    Initializer kernel_initializer = "glorot_uniform";  // Keras defaults
    Initializer bias_initializer = "zeros";
    Regularizer kernel_regularizer;
    Regularizer bias_regularizer;
    bool use_bias = true;
};

// The config keys name the kernel as Keras does for the layer: "kernel" (kernel_initializer, kernel_regularizer)
// for most, "depthwise" (depthwise_initializer, …) for DepthwiseConv2D.

// The config keys WeightOptions reads, for a layer's list of known keys.
std::vector<std::string> weight_option_keys(std::string_view kernel = "kernel");
// Reads those keys from a layer's description where present (others keep their defaults). Throws
// config::ConfigError naming the key.
WeightOptions weight_options_from(const config::Reader& layer, std::string_view kernel = "kernel");
// Writes the keys whose values differ from the defaults into a layer's config.
void add_weight_options(const WeightOptions& options, nlohmann::json& config, std::string_view kernel = "kernel");

// The kernel and bias Params as declared by build(), with these options applied.
Param kernel_param(const WeightOptions& options, Shape shape);
Param bias_param(const WeightOptions& options, Shape shape);

}  // namespace nnlab
