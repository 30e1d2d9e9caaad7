// MaxPooling2D — the maximum of each window (Keras: layers.MaxPooling2D).
#include "nnlab/layers/max_pooling2d.hpp"

#include "nnlab/kernels/ops.hpp"

#include "nnlab/core/error.hpp"

namespace nnlab {

MaxPooling2D::MaxPooling2D(std::array<int64_t, 2> pool_size, PoolingOptions options)
    : Pooling2D(pool_size, std::move(options)) {}

void MaxPooling2D::forward(const Tensor& x, Tensor& y, Mode mode) {
    const PoolGeometry g = geometry(x.rows());
    if (mode == Mode::inference) {
        max_pool_forward(g, x, y, nullptr);  // no backward follows: oneDNN skips the workspace
        return;
    }
    last_ = g;
    max_pool_forward(g, x, y, &workspace_);
}

void MaxPooling2D::backward(const Tensor& dy, Tensor& dx) {
    if (dx.empty()) return;
    if (last_.batch != dy.rows()) {
        throw Error(error_prefix() + "backward needs a training forward of the same batch first", ErrorKind::failure);
    }
    max_pool_backward(last_, dy, workspace_, dx);
}

Layer::GradientPrecisions MaxPooling2D::bfloat16_gradients(GradientPrecisions wanted) const {
    const bool both =
        wanted.output && wanted.input && precision() == Precision::bfloat16 && windows_disjoint(geometry(1));
    return {.output = both, .input = both};
}

void MaxPooling2D::backward_rounded(const Bf16Tensor& dy, Bf16Tensor& dx) {
    if (dx.empty()) return;
    if (last_.batch != dy.shape()[0]) {
        throw Error(error_prefix() + "backward needs a training forward of the same batch first", ErrorKind::failure);
    }
    max_pool_backward(last_, dy, workspace_, dx);
}

}  // namespace nnlab
