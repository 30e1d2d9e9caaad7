// SavedTensor — a layer's forward tensor kept for backward in the layer's precision.
#include "nnlab/layers/saved_tensor.hpp"

#include "nnlab/kernels/ops.hpp"

namespace nnlab {

void SavedTensor::save(const Tensor& x, Precision precision) {
    precision_ = precision;
    if (precision == Precision::bfloat16) {
        convert_to_bfloat16(x, copy_);
        view_ = Tensor();
    } else {
        view_ = x.view();
    }
}

Tensor SavedTensor::read() const {
    if (!holds_copy()) return view_.view();
    // Grown only, so that widening every step allocates nothing once the largest saved tensor was seen.
    thread_local Tensor widened;
    if (widened.numel() < copy_.numel()) widened = Tensor(Shape{copy_.numel()});
    Tensor values = Tensor::view_of(widened.data(), copy_.shape());
    convert_from_bfloat16(copy_, values);
    return values;
}

}  // namespace nnlab
