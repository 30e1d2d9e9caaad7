// Pooling2D — what MaxPooling2D and AveragePooling2D share (Keras: the BasePooling of both): pool_size,
// strides and padding, and the window geometry they give on an (N, H, W, C) input.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "nnlab/kernels/pooling.hpp"
#include "nnlab/layers/layer.hpp"

namespace nnlab {

struct PoolingOptions {
    std::optional<std::array<int64_t, 2>> strides;  // none: the pool size, as in Keras
    std::string padding = "valid";                  // "valid" or "same" (any case, as Keras accepts)
};

// The windows Keras/TF lay over an (N, in_h, in_w, C) input (batch left at 0): "valid" (same = false) gives
// floor((in − pool)/s) + 1 outputs, "same" ceil(in/s) with max((out − 1)·s + pool − in, 0) padding, the odd
// one at the bottom/right.
PoolGeometry keras_pool_geometry(int64_t in_h, int64_t in_w, int64_t channels, std::array<int64_t, 2> pool_size,
                                 std::array<int64_t, 2> strides, bool same);

class Pooling2D : public Layer {
public:
    // (N, H, W, C) → (N, out_h, out_w, C) as keras_pool_geometry lays the windows.
    Shape build(const Shape& input) override;
    nlohmann::json config() const override;  // pool_size, strides, padding

    const std::array<int64_t, 2>& pool_size() const { return pool_size_; }
    const std::array<int64_t, 2>& strides() const { return strides_; }
    const std::string& padding() const { return padding_; }
    // The windows build() worked out (with their padding), for a batch of `batch` samples.
    PoolGeometry geometry(int64_t batch) const;

protected:
    // Throws KeyError("pool_size" / "strides" / "padding") for a value Keras would refuse.
    Pooling2D(std::array<int64_t, 2> pool_size, PoolingOptions options);

private:
    std::array<int64_t, 2> pool_size_;
    std::array<int64_t, 2> strides_;
    std::string padding_;
    PoolGeometry geometry_;  // batch left at 0 until a batch arrives
};

}  // namespace nnlab
