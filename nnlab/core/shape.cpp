// Shape — the dimensions of a tensor, batch first and channels last as in Keras.
#include "nnlab/core/shape.hpp"

#include "nnlab/core/error.hpp"

namespace nnlab {

int64_t Shape::numel() const {
    int64_t n = 1;
    for (int64_t d : dims_) {
        if (d < 0) throw Error("shape " + to_string() + " has an unknown dimension; its size is not defined");
        if (__builtin_mul_overflow(n, d, &n) || n > max_elements) {
            throw Error("shape " + to_string() + " has more than " + std::to_string(max_elements) +
                        " elements; no machine holds a tensor that size");
        }
    }
    return n;
}

int64_t Shape::sample_size() const {
    return without_batch().numel();
}

Shape Shape::with_batch(int64_t batch) const {
    if (dims_.empty()) throw Error("a scalar shape has no batch dimension");
    std::vector<int64_t> dims = dims_;
    dims[0] = batch;
    return Shape(std::move(dims));
}

Shape Shape::without_batch() const {
    if (dims_.empty()) throw Error("a scalar shape has no batch dimension");
    return Shape(std::vector<int64_t>(dims_.begin() + 1, dims_.end()));
}

std::string Shape::to_string() const {
    std::string text = "(";
    for (size_t i = 0; i < dims_.size(); ++i) {
        if (i > 0) text += ", ";
        text += dims_[i] < 0 ? "None" : std::to_string(dims_[i]);
    }
    if (dims_.size() == 1) text += ",";
    return text + ")";
}

}  // namespace nnlab
