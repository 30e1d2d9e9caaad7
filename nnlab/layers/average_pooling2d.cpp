// AveragePooling2D — the mean of each window (Keras: layers.AveragePooling2D).
#include "nnlab/layers/average_pooling2d.hpp"

#include "nnlab/kernels/ops.hpp"

namespace nnlab {

AveragePooling2D::AveragePooling2D(std::array<int64_t, 2> pool_size, PoolingOptions options)
    : Pooling2D(pool_size, std::move(options)) {}

void AveragePooling2D::forward(const Tensor& x, Tensor& y, Mode) {
    avg_pool_forward(geometry(x.rows()), x, y);
}

void AveragePooling2D::backward(const Tensor& dy, Tensor& dx) {
    if (!dx.empty()) avg_pool_backward(geometry(dy.rows()), dy, dx);
}

}  // namespace nnlab
