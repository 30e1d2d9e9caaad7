// Flatten — (N, d1, d2, …) → (N, d1·d2·…) (Keras: layers.Flatten).
#include "nnlab/layers/flatten.hpp"

#include <algorithm>

#include "nnlab/core/error.hpp"

namespace nnlab {

Shape Flatten::build(const Shape& input) {
    if (input.rank() < 2) {
        throw Error(error_prefix() + "expected an input with a batch axis and at least one more, found " +
                    input.to_string());
    }
    return Shape{input[0], input.sample_size()};
}

// Memory is already in this order: both directions are plain copies.
void Flatten::forward(const Tensor& x, Tensor& y, Mode) {
    std::copy_n(x.data(), x.numel(), y.data());
}

void Flatten::backward(const Tensor& dy, Tensor& dx) {
    if (!dx.empty()) std::copy_n(dy.data(), dy.numel(), dx.data());
}

}  // namespace nnlab
