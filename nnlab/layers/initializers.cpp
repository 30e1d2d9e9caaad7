// Weight initialisers with Keras's names and rules (keras.initializers).
#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/param.hpp"

namespace nnlab {

void check_initializer_name(const std::string& key, const std::string& name) {
    if (name != "glorot_uniform" && name != "zeros" && name != "ones") {
        throw KeyError(key, key + ": unknown initializer '" + name + "'; expected one of glorot_uniform, zeros, ones");
    }
}

void initialize(Param& param, Rng& rng) {
    check_initializer_name("initializer", param.initializer);
    Tensor& t = param.value;
    if (param.initializer == "zeros") {
        t.fill(0.0f);
    } else if (param.initializer == "ones") {
        t.fill(1.0f);
    } else {  // glorot_uniform: U(−l, l), l = sqrt(6 / (fan_in + fan_out))
        const double limit = std::sqrt(6.0 / static_cast<double>(param.fan_in + param.fan_out));
        for (float& v : t.values()) v = static_cast<float>(rng.uniform(-limit, limit));
    }
}

}  // namespace nnlab
