// Pooling as plain loops (averages in double): the oracle the oneDNN kernels are tested against.
#include <algorithm>
#include <cstring>
#include <limits>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/pooling.hpp"

#include "nnlab/kernels/reference/reference_backend.hpp"

namespace nnlab {
namespace {

// The input rows [begin, end) one window covers, clipped to the input (padding holds nothing).
struct Span {
    int64_t begin, end;
};
Span window(int64_t out, int64_t stride, int64_t pad, int64_t pool, int64_t in) {
    const int64_t start = out * stride - pad;
    return {std::max<int64_t>(start, 0), std::min(start + pool, in)};
}

// Calls visit(output index, input index of the window's top-left position inside x, rows, cols) per output
// position and channel; inputs of the window are at base + (r·in_w + c)·C for r < rows, c < cols.
template <typename Visit>
void for_each_window(const PoolGeometry& g, Visit&& visit) {
    for (int64_t n = 0; n < g.batch; ++n) {
        for (int64_t oh = 0; oh < g.out_h; ++oh) {
            const Span rows = window(oh, g.stride_h, g.pad_top, g.pool_h, g.in_h);
            for (int64_t ow = 0; ow < g.out_w; ++ow) {
                const Span cols = window(ow, g.stride_w, g.pad_left, g.pool_w, g.in_w);
                for (int64_t c = 0; c < g.channels; ++c) {
                    const int64_t out = ((n * g.out_h + oh) * g.out_w + ow) * g.channels + c;
                    const int64_t base = ((n * g.in_h + rows.begin) * g.in_w + cols.begin) * g.channels + c;
                    visit(out, base, rows.end - rows.begin, cols.end - cols.begin);
                }
            }
        }
    }
}

}  // namespace

void ReferenceBackend::max_pool_forward(const PoolGeometry& g, const Tensor& x, Tensor& y,
                                        MaxPoolWorkspace* workspace) {
    check_pool("max_pool_forward", g, x, y);
    std::vector<int64_t> argmax(static_cast<size_t>(y.numel()));
    for_each_window(g, [&](int64_t out, int64_t base, int64_t rows, int64_t cols) {
        float best = -std::numeric_limits<float>::infinity();
        int64_t best_at = base;
        for (int64_t r = 0; r < rows; ++r) {
            for (int64_t c = 0; c < cols; ++c) {
                const int64_t at = base + (r * g.in_w + c) * g.channels;
                // Strictly greater: the first maximum in row-major window order keeps the gradient, as in oneDNN.
                if (x[at] > best) best = x[at], best_at = at;
            }
        }
        y[out] = best;
        argmax[static_cast<size_t>(out)] = best_at;
    });
    if (workspace) {
        workspace->bytes.resize(argmax.size() * sizeof(int64_t));
        std::memcpy(workspace->bytes.data(), argmax.data(), workspace->bytes.size());
    }
}

void ReferenceBackend::max_pool_backward(const PoolGeometry& g, const Tensor& dy, const MaxPoolWorkspace& workspace,
                                         Tensor& dx) {
    check_pool("max_pool_backward", g, dx, dy);
    if (workspace.bytes.size() != static_cast<size_t>(dy.numel()) * sizeof(int64_t)) {
        throw Error("max_pool_backward: the workspace does not come from this geometry's forward pass",
                    ErrorKind::failure);
    }
    std::vector<int64_t> argmax(static_cast<size_t>(dy.numel()));
    std::memcpy(argmax.data(), workspace.bytes.data(), workspace.bytes.size());
    dx.fill(0.0f);
    for (int64_t i = 0; i < dy.numel(); ++i) dx[argmax[static_cast<size_t>(i)]] += dy[i];
}

// The float32 backward of the widened dy, rounded: what handing the gradient over in bfloat16 must equal.
void ReferenceBackend::max_pool_backward(const PoolGeometry& g, const Bf16Tensor& dy, const MaxPoolWorkspace& workspace,
                                         Bf16Tensor& dx) {
    check_pool("max_pool_backward", g, dx.shape(), dy.shape());
    check_disjoint_windows("max_pool_backward", g);
    Tensor wide_dy(dy.shape()), wide_dx(dx.shape());
    convert_from_bfloat16(dy, wide_dy);
    max_pool_backward(g, wide_dy, workspace, wide_dx);
    round_into(wide_dx, dx);
}

void ReferenceBackend::avg_pool_forward(const PoolGeometry& g, const Tensor& x, Tensor& y) {
    check_pool("avg_pool_forward", g, x, y);
    for_each_window(g, [&](int64_t out, int64_t base, int64_t rows, int64_t cols) {
        double sum = 0.0;
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t c = 0; c < cols; ++c) sum += x[base + (r * g.in_w + c) * g.channels];
        y[out] = static_cast<float>(sum / static_cast<double>(rows * cols));
    });
}

void ReferenceBackend::avg_pool_backward(const PoolGeometry& g, const Tensor& dy, Tensor& dx) {
    check_pool("avg_pool_backward", g, dx, dy);
    std::vector<double> sums(static_cast<size_t>(dx.numel()), 0.0);
    for_each_window(g, [&](int64_t out, int64_t base, int64_t rows, int64_t cols) {
        const double share = double{dy[out]} / static_cast<double>(rows * cols);
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t c = 0; c < cols; ++c) sums[static_cast<size_t>(base + (r * g.in_w + c) * g.channels)] += share;
    });
    for (int64_t i = 0; i < dx.numel(); ++i) dx[i] = static_cast<float>(sums[static_cast<size_t>(i)]);
}

}  // namespace nnlab
