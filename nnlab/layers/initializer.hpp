// Initializer — how a parameter gets its first values (Keras: keras.initializers), by Keras name.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "nnlab/config/reader.hpp"
#include "nnlab/core/rng.hpp"
#include "nnlab/core/shape.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

// Known names: zeros, ones, constant (value), glorot_uniform, glorot_normal, he_uniform, he_normal,
// lecun_uniform, lecun_normal, orthogonal (gain), random_normal (mean, stddev), random_uniform
// (minval, maxval), truncated_normal (mean, stddev), variance_scaling (scale, mode, distribution), and dirac:
// PyTorch's nn.init.dirac_ on the first min(in, out) filters of a convolution kernel (filter f passes input channel
// f through unchanged, a residual in disguise), the other filters drawn as variance_scaling. Fields other than the
// name keep Keras's defaults.
struct Initializer {
    std::string name = "zeros";
    double value = 0.0;                             // constant
    double gain = 1.0;                              // orthogonal
    double mean = 0.0;                              // random_normal, truncated_normal
    double stddev = 0.05;                           // random_normal, truncated_normal
    double minval = -0.05;                          // random_uniform
    double maxval = 0.05;                           // random_uniform
    double scale = 1.0;                             // variance_scaling, dirac
    std::string mode = "fan_in";                    // variance_scaling, dirac: fan_in, fan_out, fan_avg
    std::string distribution = "truncated_normal";  // variance_scaling, dirac: truncated_normal, untruncated_normal,
                                                    // uniform

    Initializer() = default;
    Initializer(std::string initializer_name) : name(std::move(initializer_name)) {}  // NOLINT: "he_normal" reads well
    Initializer(const char* initializer_name) : name(initializer_name) {}             // NOLINT
};

// Fills `values` (of `shape`) as Keras would: fans from the shape (a kernel (…, in, out) has
// fan_in = in·receptive field, fan_out = out·receptive field), normal draws truncated at two standard
// deviations for the *_normal variance-scaling initialisers. Throws KeyError("initializer") for an unknown name.
void initialize(const Initializer& initializer, const Shape& shape, Tensor& values, Rng& rng);

// From a description: a name ("he_normal") or a table ({type = "constant", value = 0.1}); `value` reads the
// value itself (its path is the key, "kernel_initializer"). Throws config::ConfigError naming what is wrong.
Initializer initializer_from(const config::Reader& value);
// The name alone when every other field is at its default, else a table; initializer_from reads it back.
nlohmann::json initializer_to_json(const Initializer& initializer);

}  // namespace nnlab
