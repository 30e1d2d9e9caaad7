// Tensor — float32, contiguous, 64-byte aligned; it owns its memory or is an explicit view.
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "nnlab/core/shape.hpp"
#include "nnlab/tensor/device.hpp"

namespace nnlab {

class Tensor {
public:
    static constexpr size_t alignment = 64;

    Tensor() = default;
    // An owning tensor, zero-filled.
    explicit Tensor(Shape shape);
    // A non-owning view of memory someone else keeps alive.
    static Tensor view_of(float* data, Shape shape);

    // Copies are explicit (clone), views are explicit (view); moves are free.
    Tensor(Tensor&&) noexcept = default;
    Tensor& operator=(Tensor&&) noexcept = default;
    Tensor(const Tensor&) = delete;
    Tensor& operator=(const Tensor&) = delete;

    Tensor view() const { return view_of(data_, shape_); }
    // A view of the same memory with another shape of the same size.
    Tensor reshaped(Shape shape) const;
    // A view of the first `rows` entries along the batch axis.
    Tensor first_rows(int64_t count) const { return rows(0, count); }
    // A view of `count` entries along the batch axis from `begin`.
    Tensor rows(int64_t begin, int64_t count) const;
    Tensor clone() const;

    float* data() { return data_; }
    const float* data() const { return data_; }
    const Shape& shape() const { return shape_; }
    int64_t numel() const { return numel_; }
    bool empty() const { return data_ == nullptr; }
    // Where the values live; the kernels of that device's backend run on them. Host memory: always Device::cpu
    // today (a device backend brings its own allocation with its kernels).
    Device device() const { return Device::cpu; }
    bool owns_memory() const { return owned_ != nullptr; }
    // Rows and columns when seen as a matrix (batch, everything else).
    int64_t rows() const { return shape_[0]; }
    int64_t cols() const { return shape_.sample_size(); }

    std::span<float> values() { return {data_, static_cast<size_t>(numel_)}; }
    std::span<const float> values() const { return {data_, static_cast<size_t>(numel_)}; }
    float& operator[](int64_t i) { return data_[i]; }
    float operator[](int64_t i) const { return data_[i]; }

    void fill(float value);

private:
    struct AlignedFree {
        void operator()(float* p) const;
    };
    std::unique_ptr<float[], AlignedFree> owned_;
    float* data_ = nullptr;
    Shape shape_;
    int64_t numel_ = 0;
};

// How many rows of a batch to take at a time so that a piece of `rows` rows holding `values` values in all has at most
// `max_values` of them (never fewer than one row): the size of the pieces a layer rounds or widens its values in.
int64_t rows_per_piece(int64_t rows, int64_t values, int64_t max_values);

}  // namespace nnlab
