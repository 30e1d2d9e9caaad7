// Shape — the dimensions of a tensor, batch first and channels last as in Keras.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace nnlab {

class Shape {
public:
    // A dimension of -1 is Keras's `None`: not known until a batch arrives.
    static constexpr int64_t unknown = -1;
    // The largest size of one axis a description may ask for (Keras's shapes are int32 in TensorFlow), so that the
    // products and sums of a few sizes cannot overflow before they are checked.
    static constexpr int64_t max_dimension = (int64_t{1} << 31) - 1;
    // The most elements one shape may hold: its bytes (float32, with padding) still fit an int64_t.
    static constexpr int64_t max_elements = int64_t{1} << 60;

    Shape() = default;
    Shape(std::initializer_list<int64_t> dims) : dims_(dims) {}
    explicit Shape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}

    int rank() const { return static_cast<int>(dims_.size()); }
    int64_t operator[](int axis) const { return dims_.at(static_cast<size_t>(axis)); }
    const std::vector<int64_t>& dims() const { return dims_; }

    // Product of all dimensions; throws when one is unknown or the product exceeds max_elements.
    int64_t numel() const;
    // Product of the dimensions after the first: the size of one sample.
    int64_t sample_size() const;
    // The same shape with the first (batch) dimension replaced.
    Shape with_batch(int64_t batch) const;
    // The same shape without its first (batch) dimension.
    Shape without_batch() const;

    // "(64, 3072)"; unknown dimensions print as None, as in Keras.
    std::string to_string() const;

    friend bool operator==(const Shape&, const Shape&) = default;

private:
    std::vector<int64_t> dims_;
};

}  // namespace nnlab
