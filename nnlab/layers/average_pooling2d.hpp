// AveragePooling2D — the mean of each pool_size window, NHWC (Keras: layers.AveragePooling2D).
#pragma once

#include "nnlab/layers/pooling2d.hpp"

namespace nnlab {

class AveragePooling2D final : public Pooling2D {
public:
    // Keras defaults: pool_size (2, 2), strides = pool_size, padding "valid". With "same", windows that
    // hang over the edge average only the inputs they cover, as in Keras/TF.
    explicit AveragePooling2D(std::array<int64_t, 2> pool_size = {2, 2}, PoolingOptions options = {});

    std::string type() const override { return "AveragePooling2D"; }
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;
};

}  // namespace nnlab
