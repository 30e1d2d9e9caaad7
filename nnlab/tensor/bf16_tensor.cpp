#include "nnlab/tensor/bf16_tensor.hpp"

namespace nnlab {

void Bf16Tensor::resize(const Shape& shape) {
    numel_ = shape.numel();
    if (static_cast<size_t>(numel_) > storage_.size()) storage_.resize(static_cast<size_t>(numel_));
    shape_ = shape;
}

}  // namespace nnlab
