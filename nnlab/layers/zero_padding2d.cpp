// ZeroPadding2D — zeros around each image (Keras: layers.ZeroPadding2D).
#include "nnlab/layers/zero_padding2d.hpp"

#include <algorithm>
#include <string>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {

ZeroPadding2D::ZeroPadding2D(std::array<std::array<int64_t, 2>, 2> padding) : padding_(padding) {
    for (const auto& pair : padding_) {
        for (int64_t p : pair) {
            if (p < 0) {
                throw KeyError("padding", "padding: expected counts of rows/columns ≥ 0, found [[" +
                                              std::to_string(padding_[0][0]) + ", " + std::to_string(padding_[0][1]) +
                                              "], [" + std::to_string(padding_[1][0]) + ", " +
                                              std::to_string(padding_[1][1]) + "]]");
            }
        }
    }
}

ZeroPadding2D::ZeroPadding2D(int64_t padding) : ZeroPadding2D({{{padding, padding}, {padding, padding}}}) {}

ZeroPadding2D::ZeroPadding2D(int64_t height, int64_t width) : ZeroPadding2D({{{height, height}, {width, width}}}) {}

Shape ZeroPadding2D::build(const Shape& input) {
    if (input.rank() != 4) {
        throw Error(error_prefix() + "expected input (batch, height, width, channels), found " + input.to_string());
    }
    in_h_ = input[1];
    in_w_ = input[2];
    channels_ = input[3];
    return Shape{input[0], padding_[0][0] + in_h_ + padding_[0][1], padding_[1][0] + in_w_ + padding_[1][1], channels_};
}

PadGeometry ZeroPadding2D::geometry(int64_t batch) const {
    return {.batch = batch,
            .in_h = in_h_,
            .in_w = in_w_,
            .channels = channels_,
            .top = padding_[0][0],
            .bottom = padding_[0][1],
            .left = padding_[1][0],
            .right = padding_[1][1]};
}

void ZeroPadding2D::forward(const Tensor& x, Tensor& y, Mode) {
    zero_pad_forward(geometry(x.rows()), x, y);
}

void ZeroPadding2D::backward(const Tensor& dy, Tensor& dx) {
    if (dx.empty()) return;
    zero_pad_backward(geometry(dx.rows()), dy, dx);
}

nlohmann::json ZeroPadding2D::config() const {
    return {{"padding", padding_}};
}

}  // namespace nnlab
