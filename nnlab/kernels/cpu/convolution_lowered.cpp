// The lowered passes of convolution_lowered.hpp: when they apply, the flipped geometry and kernel, and the passes
// that run as GEMMs (the gemm kernel: oneDNN's matmul, cached per shape) over im2col. The flipped forward itself runs
// on the forward convolution's primitives (convolution.cpp).
#include "nnlab/kernels/cpu/convolution_lowered.hpp"

#include <algorithm>
#include <vector>

#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

// Both lowerings are measured on layers of 64 channels and more on both sides, multiples of 16 (oneDNN's blocks):
// under that (airbench's first convolution, 24 → 64) the direct kernels are as fast or faster.
bool wide_bfloat16(const ConvGeometry& g) {
    return g.bfloat16 && g.groups == 1 && g.in_c >= 64 && g.out_c >= 64 && g.in_c % 16 == 0 && g.out_c % 16 == 0;
}

// Output rows per matmul: the im2col of a chunk is 2,048 × kh·kw·in_c bfloat16 values (9.4 MB at 3×3×256). Chunks
// of 784 and 3,136 rows were slower than 1,568 at 7×7×256 (docs/measurements.md).
constexpr int64_t rows_per_chunk = 2048;

int64_t columns(const ConvGeometry& g) {
    return g.kernel_h * g.kernel_w * g.in_c;
}

int64_t output_rows(const ConvGeometry& g) {
    return g.batch * g.out_h * g.out_w;
}

// Rows [first, first + rows) of g's im2col: for output pixel (n, oh, ow), the kh·kw·in_c input values its window
// reads, in the Keras kernel's (kh, kw, in_c) order, zero where the window overhangs the padding.
void im2col(const ConvGeometry& g, const uint16_t* x, int64_t first, int64_t rows, uint16_t* col) {
    const int64_t width = columns(g);
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t p = first + r, ow = p % g.out_w, oh = p / g.out_w % g.out_h, n = p / (g.out_w * g.out_h);
        uint16_t* out = col + r * width;
        for (int64_t kh = 0; kh < g.kernel_h; ++kh) {
            const int64_t ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
            for (int64_t kw = 0; kw < g.kernel_w; ++kw) {
                const int64_t iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
                uint16_t* window = out + (kh * g.kernel_w + kw) * g.in_c;
                if (ih < 0 || ih >= g.in_h || iw < 0 || iw >= g.in_w)
                    std::fill_n(window, g.in_c, uint16_t{0});
                else
                    std::copy_n(x + ((n * g.in_h + ih) * g.in_w + iw) * g.in_c, g.in_c, window);
            }
        }
    }
}

// One im2col chunk per thread, shared by the forward and backward-weights lowerings (9.4 MB at 3×3×256).
uint16_t* im2col_buffer(const ConvGeometry& g, int64_t rows) {
    thread_local std::vector<uint16_t> col;
    col.resize(static_cast<size_t>(rows * columns(g)));
    return col.data();
}

}  // namespace

bool weights_gradient_by_matmul(const ConvGeometry& g) {
    // At 64 output channels the matmul's n is one block: 15×15×64→64 ran as fast as oneDNN's direct kernel with
    // chunks of 1,568 rows or more and 2× slower with 1,024. With in_c not a multiple of 64 an im2col window is no
    // whole number of 128-byte pairs of cache lines: resnet_small's 16×16×80→160 and 8×8×160→320 took 52 and 41 ms
    // against the direct kernel's 36 and 34 (which runs at 800–900 GFLOP/s there, its best).
    return wide_bfloat16(g) && g.out_c >= 128 && g.in_c % 64 == 0;
}

bool forward_by_matmul(const ConvGeometry& g) {
    return weights_gradient_by_matmul(g) && g.out_h * g.out_w <= 9;
}

bool data_gradient_by_flipped_forward(const ConvGeometry& g) {
    const bool pads_fit =
        g.pad_top <= (g.kernel_h - 1) * g.dilation_h && g.pad_bottom <= (g.kernel_h - 1) * g.dilation_h &&
        g.pad_left <= (g.kernel_w - 1) * g.dilation_w && g.pad_right <= (g.kernel_w - 1) * g.dilation_w;
    return wide_bfloat16(g) && g.stride_h == 1 && g.stride_w == 1 && pads_fit && g.in_h >= 7 && g.in_w >= 7;
}

ConvGeometry flipped_geometry(const ConvGeometry& g) {
    ConvGeometry f = g;
    f.in_h = g.out_h, f.in_w = g.out_w, f.in_c = g.out_c;
    f.out_h = g.in_h, f.out_w = g.in_w, f.out_c = g.in_c;
    f.pad_top = (g.kernel_h - 1) * g.dilation_h - g.pad_top;
    f.pad_bottom = (g.kernel_h - 1) * g.dilation_h - g.pad_bottom;
    f.pad_left = (g.kernel_w - 1) * g.dilation_w - g.pad_left;
    f.pad_right = (g.kernel_w - 1) * g.dilation_w - g.pad_right;
    return f;
}

void flip_kernel(const ConvGeometry& g, const Tensor& w, Tensor& flipped) {
    if (flipped.empty()) flipped = Tensor(flipped_geometry(g).weights_shape());
    // Transposed in 16 × 16 tiles, so that both sides move whole cache lines.
    constexpr int64_t tile = 16;
    const int64_t taps = g.kernel_h * g.kernel_w, in = g.in_c, out = g.out_c;
    const int64_t in_tiles = (in + tile - 1) / tile, out_tiles = (out + tile - 1) / tile;
#pragma omp parallel for collapse(2) schedule(static)
    for (int64_t t = 0; t < taps; ++t)
        for (int64_t i_tile = 0; i_tile < in_tiles; ++i_tile) {
            const float* from = w.data() + (taps - 1 - t) * in * out;
            float* to = flipped.data() + t * in * out;
            const int64_t i_end = std::min(in, (i_tile + 1) * tile);
            for (int64_t o_tile = 0; o_tile < out_tiles; ++o_tile) {
                const int64_t o_end = std::min(out, (o_tile + 1) * tile);
                for (int64_t i = i_tile * tile; i < i_end; ++i)
                    for (int64_t o = o_tile * tile; o < o_end; ++o) to[o * in + i] = from[i * out + o];
            }
        }
}

void conv2d_forward_by_matmul(const ConvGeometry& g, const Bf16Tensor& x, const Tensor& w, const Tensor& bias,
                              Tensor& y, bool relu) {
    const int64_t total = output_rows(g), chunk = std::min(total, rows_per_chunk), width = columns(g);
    uint16_t* col = im2col_buffer(g, chunk);
    thread_local Bf16Tensor kernel;
    convert_to_bfloat16(w, kernel);  // rounded as oneDNN's reorder rounds it for the direct kernels
    const Bf16Tensor kernel_matrix = Bf16Tensor::view_of(kernel.data(), Shape{width, g.out_c});
    for (int64_t first = 0; first < total; first += chunk) {
        const int64_t rows = std::min(chunk, total - first);
        im2col(g, x.data(), first, rows, col);
        Tensor y_rows = Tensor::view_of(y.data() + first * g.out_c, Shape{rows, g.out_c});
        gemm(Bf16Tensor::view_of(col, Shape{rows, width}), kernel_matrix, y_rows, {});
    }
    Tensor y_matrix = Tensor::view_of(y.data(), Shape{total, g.out_c});
    if (!bias.empty()) add_row_bias(y_matrix, bias);
    if (relu) activation_forward(ActivationKind::relu, y_matrix, y_matrix);
}

void conv2d_backward_weights_by_matmul(const ConvGeometry& g, const Bf16Tensor& x, const Bf16Tensor& dy, Tensor& dw,
                                       Tensor& db) {
    const int64_t total = output_rows(g), chunk = std::min(total, rows_per_chunk), width = columns(g);
    uint16_t* col = im2col_buffer(g, chunk);
    thread_local std::vector<uint16_t> ones;
    if (!db.empty()) ones.assign(static_cast<size_t>(chunk), bfloat16_bits(1.0f));
    Tensor dw_matrix = Tensor::view_of(dw.data(), Shape{width, g.out_c});
    Tensor db_matrix = db.empty() ? Tensor() : Tensor::view_of(db.data(), Shape{1, g.out_c});
    const GemmOptions adding_transposed{.trans_a = true, .accumulate = true};
    for (int64_t first = 0; first < total; first += chunk) {
        const int64_t rows = std::min(chunk, total - first);
        im2col(g, x.data(), first, rows, col);
        const Bf16Tensor dy_rows =
            Bf16Tensor::view_of(const_cast<uint16_t*>(dy.data()) + first * g.out_c, Shape{rows, g.out_c});
        gemm(Bf16Tensor::view_of(col, Shape{rows, width}), dy_rows, dw_matrix, adding_transposed);
        if (!db.empty()) gemm(Bf16Tensor::view_of(ones.data(), Shape{rows, 1}), dy_rows, db_matrix, adding_transposed);
    }
}

std::string forward_by_matmul_implementation(const ConvGeometry& g) {
    const int64_t rows = std::min(output_rows(g), rows_per_chunk);
    return "matmul over im2col: " + gemm_implementation(rows, g.out_c, columns(g), {}, true);
}

std::string weights_gradient_by_matmul_implementation(const ConvGeometry& g) {
    const int64_t rows = std::min(output_rows(g), rows_per_chunk);
    return "matmul over im2col: " +
           gemm_implementation(columns(g), g.out_c, rows, {.trans_a = true, .accumulate = true}, true);
}

}  // namespace nnlab
