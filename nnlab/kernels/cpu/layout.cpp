// Kernels that move values without arithmetic on the CPU: zero padding and mirroring, as block copies.
#include <algorithm>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/cpu/cpu_backend.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

void check_pad(const char* op, const PadGeometry& g, const Tensor& inside, const Tensor& padded) {
    if (inside.numel() != g.batch * g.in_h * g.in_w * g.channels ||
        padded.numel() != g.batch * g.out_h() * g.out_w() * g.channels) {
        throw Error(std::string(op) + ": tensors " + inside.shape().to_string() + " and " + padded.shape().to_string() +
                        " do not fit the padding",
                    ErrorKind::failure);
    }
}

}  // namespace

// Each input row of W·C values lands whole in the padded output, so rows are copied as blocks.
void CpuBackend::zero_pad_forward(const PadGeometry& g, const Tensor& x, Tensor& y) {
    check_pad("zero_pad_forward", g, x, y);
    const int64_t row = g.in_w * g.channels;
    y.fill(0.0f);
    for (int64_t n = 0; n < g.batch; ++n) {
        for (int64_t h = 0; h < g.in_h; ++h) {
            const float* from = x.data() + (n * g.in_h + h) * row;
            float* to = y.data() + ((n * g.out_h() + h + g.top) * g.out_w() + g.left) * g.channels;
            std::copy_n(from, row, to);
        }
    }
}

void CpuBackend::zero_pad_backward(const PadGeometry& g, const Tensor& dy, Tensor& dx) {
    check_pad("zero_pad_backward", g, dx, dy);
    const int64_t row = g.in_w * g.channels;
    for (int64_t n = 0; n < g.batch; ++n) {
        for (int64_t h = 0; h < g.in_h; ++h) {
            const float* from = dy.data() + ((n * g.out_h() + h + g.top) * g.out_w() + g.left) * g.channels;
            std::copy_n(from, row, dx.data() + (n * g.in_h + h) * row);
        }
    }
}

void CpuBackend::flip_width(const Tensor& x, Tensor& y) {
    if (x.shape().rank() != 4 || y.shape() != x.shape()) {
        throw Error("flip_width: expected x (batch, height, width, channels) and y of its shape, found " +
                        x.shape().to_string() + " and " + y.shape().to_string(),
                    ErrorKind::failure);
    }
    const int64_t rows = x.shape()[0] * x.shape()[1], width = x.shape()[2], channels = x.shape()[3];
    for (int64_t r = 0; r < rows; ++r) {
        const float* in = x.data() + r * width * channels;
        float* out = y.data() + r * width * channels;
        for (int64_t w = 0; w < width; ++w) std::copy_n(in + (width - 1 - w) * channels, channels, out + w * channels);
    }
}

}  // namespace nnlab
