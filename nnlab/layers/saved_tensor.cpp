// SavedTensor — a layer's forward tensor kept for backward in the layer's precision.
#include "nnlab/layers/saved_tensor.hpp"

namespace nnlab {

Tensor SavedTensor::read() const {
    if (!holds_copy()) return kept_.float32().view();
    // Grown only, so that widening every step allocates nothing once the largest saved tensor was seen.
    thread_local Tensor widened;
    if (widened.numel() < kept_.bfloat16().numel()) widened = Tensor(Shape{kept_.bfloat16().numel()});
    Tensor values = Tensor::view_of(widened.data(), kept_.bfloat16().shape());
    convert_from_bfloat16(kept_.bfloat16(), values);
    return values;
}

}  // namespace nnlab
