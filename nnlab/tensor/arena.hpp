// Arena — one aligned block for every tensor of one role (parameters, gradients, optimizer state),
// so the optimizer is one loop over it and saving is one pass.
#pragma once

#include <cstdint>

#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

class Arena {
public:
    // Each tensor taken from the arena starts on a 64-byte boundary.
    static constexpr int64_t floats_per_line = Tensor::alignment / sizeof(float);
    static int64_t padded_size(int64_t numel) {
        return (numel + floats_per_line - 1) / floats_per_line * floats_per_line;
    }

    Arena() = default;
    explicit Arena(int64_t capacity_floats);

    // A zero-filled view of the next `shape.numel()` floats; throws when the arena is full.
    Tensor take(const Shape& shape);

    float* data() { return block_.data(); }
    const float* data() const { return block_.data(); }
    // The whole block, padding included (padding stays zero: its gradients are zero).
    int64_t size() const { return block_.numel(); }
    int64_t used() const { return used_; }
    Tensor& block() { return block_; }
    const Tensor& block() const { return block_; }

private:
    Tensor block_;
    int64_t used_ = 0;
};

}  // namespace nnlab
