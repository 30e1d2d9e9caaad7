// Bf16Tensor — a bfloat16 copy of a float tensor, the operand of GEMMs and convolutions in bfloat16 precision.
// Its storage only grows, so converting again every step allocates nothing once the largest shape was seen. A view
// (rows) reads rows of another one's storage, which must outlive it.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "nnlab/core/shape.hpp"
#include "nnlab/tensor/device.hpp"

namespace nnlab {

// Round to nearest, ties to even (what oneDNN and PyTorch do); NaN stays a (quiet) NaN.
// Written as a select, not a branch, so that conversion loops vectorise.
constexpr uint16_t bfloat16_bits(float value) {
    const uint32_t bits = std::bit_cast<uint32_t>(value);
    const uint32_t rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16;
    const uint32_t quiet_nan = (bits >> 16) | 0x40u;
    return static_cast<uint16_t>((bits & 0x7fffffffu) > 0x7f800000u ? quiet_nan : rounded);
}

constexpr float float_from_bfloat16(uint16_t bits) {
    return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16);
}

class Bf16Tensor {
public:
    // Takes `shape`, keeping the storage when it is large enough; the values are then unspecified. Not on a view.
    void resize(const Shape& shape);
    // A view of `shape`'s values at `data`, which must outlive it.
    static Bf16Tensor view_of(uint16_t* data, const Shape& shape);
    // A view of `count` entries along the batch axis from `begin`.
    Bf16Tensor rows(int64_t begin, int64_t count) const;

    uint16_t* data() { return view_ != nullptr ? view_ : storage_.data(); }
    const uint16_t* data() const { return view_ != nullptr ? view_ : storage_.data(); }
    const Shape& shape() const { return shape_; }
    int64_t numel() const { return numel_; }
    bool empty() const { return numel_ == 0; }
    Device device() const { return Device::cpu; }  // host memory, as Tensor's

private:
    std::vector<uint16_t> storage_;
    uint16_t* view_ = nullptr;  // set on a view, which has no storage of its own
    Shape shape_;
    int64_t numel_ = 0;
};

}  // namespace nnlab
