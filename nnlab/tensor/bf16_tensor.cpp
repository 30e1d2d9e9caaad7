#include "nnlab/tensor/bf16_tensor.hpp"

#include <string>

#include "nnlab/core/error.hpp"

namespace nnlab {

void Bf16Tensor::resize(const Shape& shape) {
    if (view_ != nullptr) throw Error("a view of bfloat16 rows cannot be resized", ErrorKind::failure);
    numel_ = shape.numel();
    if (static_cast<size_t>(numel_) > storage_.size()) storage_.resize(static_cast<size_t>(numel_));
    shape_ = shape;
}

Bf16Tensor Bf16Tensor::view_of(uint16_t* data, const Shape& shape) {
    Bf16Tensor view;
    view.shape_ = shape;
    view.numel_ = shape.numel();
    view.view_ = data;
    return view;
}

Bf16Tensor Bf16Tensor::rows(int64_t begin, int64_t count) const {
    if (shape_.rank() < 1 || begin < 0 || count < 0 || begin > shape_[0] - count) {
        throw Error("cannot take rows " + std::to_string(begin) + " to " + std::to_string(begin + count) +
                        " of a bfloat16 tensor of shape " + shape_.to_string(),
                    ErrorKind::failure);
    }
    Bf16Tensor view;
    view.shape_ = shape_.with_batch(count);
    view.numel_ = view.shape_.numel();
    view.view_ = const_cast<uint16_t*>(data()) + begin * shape_.sample_size();
    return view;
}

}  // namespace nnlab
