// Plain loops for the elementwise kernels that are not activations: copies, products, dropout's mask, moving
// averages; and the ones that move values (zero padding, mirroring), written per element.
#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/kernels/reference/reference_backend.hpp"

namespace nnlab {

void ReferenceBackend::copy(const Tensor& x, Tensor& y) {
    check_same_shape("copy", x, y);
    for (int64_t i = 0; i < x.numel(); ++i) y[i] = x[i];
}

void ReferenceBackend::multiply(const Tensor& a, const Tensor& b, Tensor& out) {
    check_same_shape("multiply", a, b);
    check_same_shape("multiply", a, out);
    for (int64_t i = 0; i < out.numel(); ++i) out[i] = static_cast<float>(double{a[i]} * b[i]);
}

void ReferenceBackend::axpy(float alpha, const Tensor& x, Tensor& y) {
    check_same_shape("axpy", x, y);
    for (int64_t i = 0; i < y.numel(); ++i) y[i] = static_cast<float>(y[i] + double{alpha} * x[i]);
}

void ReferenceBackend::scale_shift(const Tensor& x, Tensor& y, float scale, float offset) {
    check_same_shape("scale_shift", x, y);
    for (int64_t i = 0; i < x.numel(); ++i) y[i] = static_cast<float>(double{x[i]} * scale + offset);
}

void ReferenceBackend::moving_average(Tensor& average, const Tensor& value, double momentum) {
    check_same_shape("moving_average", average, value);
    for (int64_t i = 0; i < average.numel(); ++i)
        average[i] = static_cast<float>(momentum * average[i] + (1.0 - momentum) * value[i]);
}

// One value per 16-bit slice of the draws, lowest slice first: the same draws decide the same values.
void ReferenceBackend::dropout_mask(Tensor& mask, double rate, Rng& rng, int64_t first, int64_t total) {
    const int64_t threshold = std::min<int64_t>(std::llround(rate * 65536.0), 65535);
    uint64_t bits = 0;
    for (int64_t i = 0; i < total; ++i) {
        if (i % 4 == 0) bits = rng.next_u64();
        if (i < first || i >= first + mask.numel()) continue;
        const auto slice = static_cast<int64_t>((bits >> (16 * (i % 4))) & 0xffff);
        mask[i - first] = slice >= threshold ? static_cast<float>(1.0 / (1.0 - rate)) : 0.0f;
    }
}

void ReferenceBackend::zero_pad_forward(const PadGeometry& g, const Tensor& x, Tensor& y) {
    for (int64_t n = 0; n < g.batch; ++n)
        for (int64_t h = 0; h < g.out_h(); ++h)
            for (int64_t w = 0; w < g.out_w(); ++w)
                for (int64_t c = 0; c < g.channels; ++c) {
                    const int64_t ih = h - g.top, iw = w - g.left;
                    const bool inside = ih >= 0 && ih < g.in_h && iw >= 0 && iw < g.in_w;
                    y[((n * g.out_h() + h) * g.out_w() + w) * g.channels + c] =
                        inside ? x[((n * g.in_h + ih) * g.in_w + iw) * g.channels + c] : 0.0f;
                }
}

void ReferenceBackend::zero_pad_backward(const PadGeometry& g, const Tensor& dy, Tensor& dx) {
    for (int64_t n = 0; n < g.batch; ++n)
        for (int64_t h = 0; h < g.in_h; ++h)
            for (int64_t w = 0; w < g.in_w; ++w)
                for (int64_t c = 0; c < g.channels; ++c)
                    dx[((n * g.in_h + h) * g.in_w + w) * g.channels + c] =
                        dy[((n * g.out_h() + h + g.top) * g.out_w() + w + g.left) * g.channels + c];
}

void ReferenceBackend::flip_width(const Tensor& x, Tensor& y) {
    const int64_t n = x.shape()[0], height = x.shape()[1], width = x.shape()[2], channels = x.shape()[3];
    for (int64_t i = 0; i < n; ++i)
        for (int64_t h = 0; h < height; ++h)
            for (int64_t w = 0; w < width; ++w)
                for (int64_t c = 0; c < channels; ++c)
                    y[((i * height + h) * width + w) * channels + c] =
                        x[((i * height + h) * width + (width - 1 - w)) * channels + c];
}

}  // namespace nnlab
