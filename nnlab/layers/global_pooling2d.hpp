// GlobalAveragePooling2D and GlobalMaxPooling2D — one value per channel over the whole image,
// (N, H, W, C) → (N, C), or (N, 1, 1, C) with keepdims (Keras: layers.GlobalAveragePooling2D/GlobalMaxPooling2D).
#pragma once

#include "nnlab/kernels/pooling.hpp"
#include "nnlab/layers/layer.hpp"

namespace nnlab {

// The shared part: the input check, the output shape and the whole-image window.
class GlobalPooling2D : public Layer {
public:
    Shape build(const Shape& input) override;
    nlohmann::json config() const override;  // keepdims
    bool keepdims() const { return keepdims_; }

protected:
    explicit GlobalPooling2D(bool keepdims) : keepdims_(keepdims) {}
    PoolGeometry geometry(int64_t batch) const;

private:
    bool keepdims_;
    PoolGeometry geometry_;  // one window the size of the image; batch set per call
};

class GlobalAveragePooling2D final : public GlobalPooling2D {
public:
    explicit GlobalAveragePooling2D(bool keepdims = false) : GlobalPooling2D(keepdims) {}
    std::string type() const override { return "GlobalAveragePooling2D"; }
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;
};

class GlobalMaxPooling2D final : public GlobalPooling2D {
public:
    explicit GlobalMaxPooling2D(bool keepdims = false) : GlobalPooling2D(keepdims) {}
    std::string type() const override { return "GlobalMaxPooling2D"; }
    // The gradient of each channel goes to its first maximum in row-major order.
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;

private:
    PoolGeometry last_;
    MaxPoolWorkspace workspace_;
};

}  // namespace nnlab
