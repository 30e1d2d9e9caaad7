// SavedTensor — a layer's forward tensor kept for backward in the layer's precision.
#include "nnlab/layers/saved_tensor.hpp"

namespace nnlab {

namespace {

Tensor widened(const Bf16Tensor& kept) {
    // Grown only, so that widening every step allocates nothing once the largest saved tensor was seen.
    thread_local Tensor buffer;
    if (buffer.numel() < kept.numel()) buffer = Tensor(Shape{kept.numel()});
    Tensor values = Tensor::view_of(buffer.data(), kept.shape());
    convert_from_bfloat16(kept, values);
    return values;
}

}  // namespace

Tensor SavedTensor::read() const {
    return holds_copy() ? widened(kept_.bfloat16()) : kept_.float32().view();
}

Tensor SavedTensor::read_rows(int64_t begin, int64_t count) const {
    return holds_copy() ? widened(kept_.bfloat16().rows(begin, count)) : kept_.float32().rows(begin, count);
}

}  // namespace nnlab
