// FusedActivation — the activation a Dense or Conv2D layer applies to its own output, in place.
#include "nnlab/layers/fused_activation.hpp"

#include <algorithm>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/activation.hpp"

namespace nnlab {
namespace {

// A view of the first rows of `buffer`, regrown when a larger batch arrives.
Tensor scratch_like(Tensor& buffer, const Tensor& like) {
    if (buffer.empty() || buffer.rows() < like.rows() || buffer.cols() != like.cols()) buffer = Tensor(like.shape());
    return buffer.first_rows(like.rows()).reshaped(like.shape());
}

}  // namespace

void FusedActivation::forward(Tensor& y) {
    if (activation_needs_input(kind_)) {
        Tensor z = scratch_like(z_, y);
        std::copy_n(y.data(), y.numel(), z.data());
    }
    activation_forward(kind_, y, y);
    y_ = y.view();
}

void FusedActivation::record_relu_output(const Tensor& y) {
    if (kind_ != ActivationKind::relu)
        throw Error("FusedActivation::record_relu_output: the activation is " + activation_name(kind_) + ", not relu",
                    ErrorKind::failure);
    y_ = y.view();
}

Tensor FusedActivation::backward(const Tensor& dy) {
    if (is_linear()) return dy.view();
    Tensor dz = scratch_like(dz_, dy);
    const Tensor z = activation_needs_input(kind_) ? z_.first_rows(dy.rows()).reshaped(dy.shape()) : Tensor();
    activation_backward(kind_, z, y_, dy, dz);
    return dz;
}

}  // namespace nnlab
