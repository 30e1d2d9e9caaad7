// Arena — one aligned block for every tensor of one role.
#include "nnlab/tensor/arena.hpp"

#include "nnlab/core/error.hpp"

namespace nnlab {

Arena::Arena(int64_t capacity_floats) : block_(Shape{capacity_floats}) {}

Tensor Arena::take(const Shape& shape) {
    const int64_t n = padded_size(shape.numel());
    if (used_ + n > block_.numel()) {
        throw Error("arena of " + std::to_string(block_.numel()) + " floats cannot hold another " + shape.to_string(),
                    ErrorKind::failure);
    }
    Tensor view = Tensor::view_of(block_.data() + used_, shape);
    used_ += n;
    return view;
}

}  // namespace nnlab
