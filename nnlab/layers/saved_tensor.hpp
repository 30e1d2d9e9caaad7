// SavedTensor — what a layer keeps of a forward tensor for its backward, in the layer's precision: a view in
// float32, a bfloat16 copy under bfloat16 (half the bytes, and the model may then lend the original's memory to
// later outputs; PyTorch's autocast saves bfloat16 activations the same way).
#pragma once

#include "nnlab/kernels/ops.hpp"

namespace nnlab {

class SavedTensor {
public:
    // A view of x in float32 (x must outlive the backward that reads it), a rounding of it kept here in bfloat16.
    void save(const Tensor& x, Precision precision) { kept_.set(x, precision); }
    // Keeps a bfloat16 rounding the caller writes (a kernel that rounds x as it reads it): the storage, sized.
    Bf16Tensor& rounded(const Shape& shape) { return kept_.rounded(shape); }
    // Whether the values live here rather than in the caller's tensor.
    bool holds_copy() const { return kept_.precision() == Precision::bfloat16; }
    bool empty() const { return kept_.empty(); }
    // The values as they are kept: a view of the float32 tensor or its bfloat16 rounding (holds_copy()).
    const Operand& kept() const { return kept_; }
    const Shape& shape() const { return holds_copy() ? kept_.bfloat16().shape() : kept_.float32().shape(); }
    // The saved values in float32: the view itself, or the copy widened into a buffer that every SavedTensor of this
    // thread shares (backward runs one layer at a time), valid until the next read() on this thread.
    Tensor read() const;
    // The same for `count` rows (along the batch axis) from `begin`: a backward that works in pieces of the batch
    // widens only a piece at a time.
    Tensor read_rows(int64_t begin, int64_t count) const;

private:
    Operand kept_;  // the products' operand type: a view or a rounding, as the precision says
};

}  // namespace nnlab
