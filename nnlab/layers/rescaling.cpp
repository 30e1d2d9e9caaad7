// Rescaling — y = x · scale + offset (Keras: layers.Rescaling).
#include "nnlab/layers/rescaling.hpp"

#include <cmath>
#include <cstdint>
#include <string>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {

Rescaling::Rescaling(double scale, double offset) : scale_(scale), offset_(offset) {
    if (!std::isfinite(scale_))
        throw KeyError("scale", "scale: expected a finite number, found " + std::to_string(scale));
    if (!std::isfinite(offset_))
        throw KeyError("offset", "offset: expected a finite number, found " + std::to_string(offset));
}

Shape Rescaling::build(const Shape& input) {
    if (input.rank() < 2)
        throw Error(error_prefix() + "expected an input with a batch axis and at least one more, found " +
                    input.to_string());
    return input;
}

void Rescaling::forward(const Tensor& x, Tensor& y, Mode) {
    scale_shift(x, y, static_cast<float>(scale_), static_cast<float>(offset_));
}

void Rescaling::backward(const Tensor& dy, Tensor& dx) {
    if (dx.empty()) return;
    scale_shift(dy, dx, static_cast<float>(scale_), 0.0f);
}

nlohmann::json Rescaling::config() const {
    return {{"scale", scale_}, {"offset", offset_}};
}

}  // namespace nnlab
