// ConvPasses — a convolution layer's passes, sharing the bfloat16 copies of x and dL/dz between them.
#include "nnlab/layers/conv_passes.hpp"

#include "nnlab/kernels/ops.hpp"

namespace nnlab {

void ConvPasses::forward(const ConvGeometry& g, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& y,
                         bool relu) {
    if (!g.bfloat16) {
        x_ = x.view();
        relu ? conv2d_forward_relu(g, x, w, bias, y) : conv2d_forward(g, x, w, bias, y);
        return;
    }
    convert_to_bfloat16(x, x16_);
    relu ? conv2d_forward_relu(g, x16_, w, bias, y) : conv2d_forward(g, x16_, w, bias, y);
}

void ConvPasses::backward(const ConvGeometry& g, const Tensor& dz, const Tensor& w, Tensor& dx, Tensor& dw,
                          Tensor& db) {
    if (!g.bfloat16) {
        conv2d_backward_weights(g, x_, dz, dw, db);
        if (!dx.empty()) conv2d_backward_data(g, dz, w, dx);
        return;
    }
    convert_to_bfloat16(dz, dz16_);
    conv2d_backward_weights(g, x16_, dz16_, dw, db);
    if (!dx.empty()) conv2d_backward_data(g, dz16_, w, dx);
}

}  // namespace nnlab
