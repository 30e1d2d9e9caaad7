// GlobalAveragePooling2D and GlobalMaxPooling2D — pooling with one window the size of the image, so they
// run on the same kernels as AveragePooling2D and MaxPooling2D.
#include "nnlab/layers/global_pooling2d.hpp"

#include "nnlab/kernels/ops.hpp"

#include "nnlab/core/error.hpp"

namespace nnlab {

Shape GlobalPooling2D::build(const Shape& input) {
    if (input.rank() != 4) {
        throw Error(error_prefix() + "expected input (batch, height, width, channels), found " + input.to_string());
    }
    geometry_ = PoolGeometry{.batch = 0,
                             .in_h = input[1],
                             .in_w = input[2],
                             .channels = input[3],
                             .out_h = 1,
                             .out_w = 1,
                             .pool_h = input[1],
                             .pool_w = input[2],
                             .stride_h = 1,
                             .stride_w = 1};
    if (keepdims_) return Shape{input[0], 1, 1, input[3]};
    return Shape{input[0], input[3]};
}

PoolGeometry GlobalPooling2D::geometry(int64_t batch) const {
    PoolGeometry g = geometry_;
    g.batch = batch;
    return g;
}

nlohmann::json GlobalPooling2D::config() const {
    return {{"keepdims", keepdims_}};
}

void GlobalAveragePooling2D::forward(const Tensor& x, Tensor& y, Mode) {
    avg_pool_forward(geometry(x.rows()), x, y);
}

void GlobalAveragePooling2D::backward(const Tensor& dy, Tensor& dx) {
    if (!dx.empty()) avg_pool_backward(geometry(dy.rows()), dy, dx);
}

void GlobalMaxPooling2D::forward(const Tensor& x, Tensor& y, Mode mode) {
    const PoolGeometry g = geometry(x.rows());
    if (mode == Mode::inference) {
        max_pool_forward(g, x, y, nullptr);
        return;
    }
    last_ = g;
    max_pool_forward(g, x, y, &workspace_);
}

void GlobalMaxPooling2D::backward(const Tensor& dy, Tensor& dx) {
    if (dx.empty()) return;
    if (last_.batch != dy.rows()) {
        throw Error(error_prefix() + "backward needs a training forward of the same batch first", ErrorKind::failure);
    }
    max_pool_backward(last_, dy, workspace_, dx);
}

}  // namespace nnlab
