// ZeroPadding2D — rows and columns of zeros around each image, NHWC (Keras: layers.ZeroPadding2D).
#pragma once

#include <array>
#include <cstdint>

#include "nnlab/kernels/kernel_arguments.hpp"
#include "nnlab/layers/layer.hpp"

namespace nnlab {

class ZeroPadding2D final : public Layer {
public:
    // ((top, bottom), (left, right)); every value ≥ 0, else KeyError("padding").
    explicit ZeroPadding2D(std::array<std::array<int64_t, 2>, 2> padding);
    // Keras's int form: the same on all four sides (Keras's default is 1).
    explicit ZeroPadding2D(int64_t padding = 1);
    // Keras's (h, w) form: h rows above and below, w columns left and right.
    ZeroPadding2D(int64_t height, int64_t width);

    std::string type() const override { return "ZeroPadding2D"; }
    Shape build(const Shape& input) override;  // (N, H, W, C) → (N, top + H + bottom, left + W + right, C)
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;
    nlohmann::json config() const override;  // padding: [[top, bottom], [left, right]]

    const std::array<std::array<int64_t, 2>, 2>& padding() const { return padding_; }

private:
    PadGeometry geometry(int64_t batch) const;

    std::array<std::array<int64_t, 2>, 2> padding_;
    int64_t in_h_ = 0, in_w_ = 0, channels_ = 0;
};

}  // namespace nnlab
