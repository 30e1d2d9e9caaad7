// Tensor — float32, contiguous, 64-byte aligned; it owns its memory or is an explicit view.
#include "nnlab/tensor/tensor.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "nnlab/core/error.hpp"

namespace nnlab {

void Tensor::AlignedFree::operator()(float* p) const {
    std::free(p);
}

Tensor::Tensor(Shape shape) : shape_(std::move(shape)), numel_(shape_.numel()) {
    const size_t bytes = static_cast<size_t>(numel_) * sizeof(float);
    // aligned_alloc needs a size that is a multiple of the alignment.
    const size_t padded = std::max<size_t>(alignment, (bytes + alignment - 1) / alignment * alignment);
    auto* p = static_cast<float*>(std::aligned_alloc(alignment, padded));
    if (p == nullptr) throw std::bad_alloc();
    std::memset(p, 0, padded);
    owned_.reset(p);
    data_ = p;
}

Tensor Tensor::view_of(float* data, Shape shape) {
    Tensor t;
    t.data_ = data;
    t.numel_ = shape.numel();
    t.shape_ = std::move(shape);
    return t;
}

Tensor Tensor::reshaped(Shape shape) const {
    if (shape.numel() != numel_) {
        throw Error("cannot view a tensor of shape " + shape_.to_string() + " as " + shape.to_string() +
                    ": sizes differ");
    }
    return view_of(data_, std::move(shape));
}

Tensor Tensor::rows(int64_t begin, int64_t count) const {
    if (shape_.rank() < 1 || begin < 0 || count < 0 || begin > shape_[0] - count) {
        throw Error("cannot take rows " + std::to_string(begin) + " to " + std::to_string(begin + count) +
                    " of a tensor of shape " + shape_.to_string());
    }
    return view_of(data_ + begin * shape_.sample_size(), shape_.with_batch(count));
}

int64_t rows_per_piece(int64_t rows, int64_t values, int64_t max_values) {
    if (rows <= 0 || values <= max_values) return std::max<int64_t>(rows, 1);
    const int64_t pieces = (values + max_values - 1) / max_values;
    return (rows + pieces - 1) / pieces;
}

Tensor Tensor::clone() const {
    Tensor copy(shape_);
    std::copy_n(data_, numel_, copy.data_);
    return copy;
}

void Tensor::fill(float value) {
    std::fill_n(data_, numel_, value);
}

}  // namespace nnlab
