// SavedTensor — what a layer keeps of a forward tensor for its backward, in the layer's precision: a view in
// float32, a bfloat16 copy under bfloat16 (half the bytes, and the model may then lend the original's memory to
// later outputs; PyTorch's autocast saves bfloat16 activations the same way).
#pragma once

#include "nnlab/core/precision.hpp"
#include "nnlab/tensor/bf16_tensor.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

class SavedTensor {
public:
    // A view of x in float32 (x must outlive the backward that reads it), a rounding of it kept here in bfloat16.
    void save(const Tensor& x, Precision precision);
    // Whether the values live here rather than in the caller's tensor.
    bool holds_copy() const { return precision_ == Precision::bfloat16; }
    bool empty() const { return holds_copy() ? copy_.empty() : view_.empty(); }
    const Shape& shape() const { return holds_copy() ? copy_.shape() : view_.shape(); }
    // The saved values in float32: the view itself, or the copy widened into a buffer that every SavedTensor of this
    // thread shares (backward runs one layer at a time), valid until the next read() on this thread.
    Tensor read() const;

private:
    Precision precision_ = Precision::float32;
    Tensor view_;
    Bf16Tensor copy_;
};

}  // namespace nnlab
