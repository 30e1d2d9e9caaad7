// Plain-loop convolutions in double precision: the oracle the oneDNN kernels are tested against.
#include <algorithm>
#include <vector>

#include "nnlab/kernels/convolution.hpp"
#include "nnlab/tensor/bf16_tensor.hpp"

#include "nnlab/kernels/reference/reference_backend.hpp"

namespace nnlab {
namespace {

// Index arithmetic for NHWC activations and (KH, KW, IC/G, OC) weights.
struct Indexer {
    const ConvGeometry& g;
    int64_t in_per_group() const { return g.in_c / g.groups; }
    int64_t out_per_group() const { return g.out_c / g.groups; }
    int64_t x(int64_t n, int64_t h, int64_t w, int64_t c) const { return ((n * g.in_h + h) * g.in_w + w) * g.in_c + c; }
    int64_t y(int64_t n, int64_t h, int64_t w, int64_t c) const {
        return ((n * g.out_h + h) * g.out_w + w) * g.out_c + c;
    }
    int64_t w(int64_t kh, int64_t kw, int64_t ic, int64_t oc) const {
        return ((kh * g.kernel_w + kw) * in_per_group() + ic) * g.out_c + oc;
    }
    // The input row/column output position o reads through kernel tap k; outside [0, size) is padding.
    int64_t in_row(int64_t oh, int64_t kh) const { return oh * g.stride_h - g.pad_top + kh * g.dilation_h; }
    int64_t in_col(int64_t ow, int64_t kw) const { return ow * g.stride_w - g.pad_left + kw * g.dilation_w; }
};

// Calls visit(x index, w index, y index) for every multiply-add of the convolution.
template <typename Visit>
void for_each_tap(const ConvGeometry& g, Visit visit) {
    const Indexer at{g};
    const int64_t icg = at.in_per_group(), ocg = at.out_per_group();
    for (int64_t n = 0; n < g.batch; ++n)
        for (int64_t oh = 0; oh < g.out_h; ++oh)
            for (int64_t ow = 0; ow < g.out_w; ++ow)
                for (int64_t oc = 0; oc < g.out_c; ++oc)
                    for (int64_t kh = 0; kh < g.kernel_h; ++kh) {
                        const int64_t ih = at.in_row(oh, kh);
                        if (ih < 0 || ih >= g.in_h) continue;
                        for (int64_t kw = 0; kw < g.kernel_w; ++kw) {
                            const int64_t iw = at.in_col(ow, kw);
                            if (iw < 0 || iw >= g.in_w) continue;
                            for (int64_t ic = 0; ic < icg; ++ic) {
                                visit(at.x(n, ih, iw, (oc / ocg) * icg + ic), at.w(kh, kw, ic, oc),
                                      at.y(n, oh, ow, oc));
                            }
                        }
                    }
}

void store(const std::vector<double>& sums, Tensor& out) {
    for (int64_t i = 0; i < out.numel(); ++i) out[i] = static_cast<float>(sums[static_cast<size_t>(i)]);
}

// An operand as the bfloat16 kernels see it: rounded to bfloat16 when the geometry asks for it.
Tensor operand(const ConvGeometry& g, const Tensor& t) {
    Tensor copy = t.clone();
    if (g.bfloat16)
        for (float& v : copy.values()) v = float_from_bfloat16(bfloat16_bits(v));
    return copy;
}

// A rounded operand back in float32 (exact); the geometry's rounding then leaves it as it is.
Tensor widened(const Bf16Tensor& t) {
    Tensor out(t.shape());
    for (int64_t i = 0; i < t.numel(); ++i) out[i] = float_from_bfloat16(t.data()[i]);
    return out;
}

}  // namespace

void ReferenceBackend::conv2d_forward(const ConvGeometry& g, const Tensor& x_in, const Tensor& w_in, const Tensor& bias,
                                      Tensor& y, bool relu) {
    check_conv_tensors("conv2d_forward", g, x_in, w_in, bias, y);
    const Tensor x = operand(g, x_in), w = operand(g, w_in);
    std::vector<double> sums(static_cast<size_t>(y.numel()), 0.0);
    for_each_tap(g, [&](int64_t xi, int64_t wi, int64_t yi) { sums[size_t(yi)] += double{x[xi]} * w[wi]; });
    if (!bias.empty()) {
        for (int64_t i = 0; i < y.numel(); ++i) sums[size_t(i)] += bias[i % g.out_c];
    }
    store(sums, y);
    if (relu)
        for (float& v : y.values()) v = std::max(v, 0.0f);
}

void ReferenceBackend::conv2d_backward_data(const ConvGeometry& g, const Tensor& dy_in, const Tensor& w_in,
                                            Tensor& dx) {
    check_conv_tensors("conv2d_backward_data", g, dx, w_in, Tensor(), dy_in);
    const Tensor dy = operand(g, dy_in), w = operand(g, w_in);
    std::vector<double> sums(static_cast<size_t>(dx.numel()), 0.0);
    for_each_tap(g, [&](int64_t xi, int64_t wi, int64_t yi) { sums[size_t(xi)] += double{dy[yi]} * w[wi]; });
    store(sums, dx);
}

void ReferenceBackend::conv2d_backward_weights(const ConvGeometry& g, const Tensor& x_in, const Tensor& dy_in,
                                               Tensor& dw, Tensor& db) {
    check_conv_tensors("conv2d_backward_weights", g, x_in, dw, db, dy_in);
    const Tensor x = operand(g, x_in), dy = operand(g, dy_in);
    std::vector<double> sums(dw.values().begin(), dw.values().end());
    for_each_tap(g, [&](int64_t xi, int64_t wi, int64_t yi) { sums[size_t(wi)] += double{x[xi]} * dy[yi]; });
    store(sums, dw);
    if (db.empty()) return;
    std::vector<double> bias_sums(db.values().begin(), db.values().end());
    for (int64_t i = 0; i < dy.numel(); ++i) bias_sums[size_t(i % g.out_c)] += dy[i];
    store(bias_sums, db);
}

void ReferenceBackend::conv2d_forward(const ConvGeometry& g, const Bf16Tensor& x, const Tensor& w, const Tensor& bias,
                                      Tensor& y, bool relu) {
    check_conv_tensors("conv2d_forward", g, x, w, bias, y);
    conv2d_forward(g, widened(x), w, bias, y, relu);
}

void ReferenceBackend::conv2d_backward_data(const ConvGeometry& g, const Bf16Tensor& dy, const Tensor& w, Tensor& dx) {
    check_conv_tensors("conv2d_backward_data", g, dx, w, Tensor(), dy);
    conv2d_backward_data(g, widened(dy), w, dx);
}

void ReferenceBackend::conv2d_backward_weights(const ConvGeometry& g, const Bf16Tensor& x, const Bf16Tensor& dy,
                                               Tensor& dw, Tensor& db) {
    check_conv_tensors("conv2d_backward_weights", g, x, dw, db, dy);
    conv2d_backward_weights(g, widened(x), widened(dy), dw, db);
}

}  // namespace nnlab
