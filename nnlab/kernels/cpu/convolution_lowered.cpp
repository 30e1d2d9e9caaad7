// The lowered passes of convolution_lowered.hpp: when they apply, and backward-weights as matmuls over im2col.
// Backward-data as a forward convolution lives with the other convolution primitives (convolution.cpp).
#include "nnlab/kernels/cpu/convolution_lowered.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "nnlab/core/threads.hpp"
#include "nnlab/kernels/cpu/dnnl_context.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

using dnnl::memory;
constexpr auto bf16 = memory::data_type::bf16;
constexpr auto f32 = memory::data_type::f32;

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

dnnl::primitive_attr adding_into_destination() {
    dnnl::post_ops ops;
    ops.append_sum(1.0f);
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    return attr;
}

// a (m × rows, read transposed from a rows × m buffer) · b (rows × n), added into c (m × n, float32).
dnnl::matmul::primitive_desc transposed_product(int64_t m, int64_t rows, int64_t n) {
    const memory::desc a_md({m, rows}, bf16, memory::dims{1, m});
    const memory::desc b_md({rows, n}, bf16, memory::format_tag::ab);
    const memory::desc c_md({m, n}, f32, memory::format_tag::ab);
    return {dnnl::matmul::desc(a_md, b_md, c_md), adding_into_destination(), cpu_engine()};
}

// a (rows × k) · b (k × n) + bias (1 × n, when given), clamped at zero for a relu, written into c (rows × n).
dnnl::matmul::primitive_desc forward_product(int64_t rows, int64_t k, int64_t n, bool with_bias, bool relu) {
    const memory::desc a_md({rows, k}, bf16, memory::format_tag::ab);
    const memory::desc b_md({k, n}, bf16, memory::format_tag::ab);
    const memory::desc bias_md = with_bias ? memory::desc({1, n}, f32, memory::format_tag::ab) : memory::desc();
    const memory::desc c_md({rows, n}, f32, memory::format_tag::ab);
    dnnl::primitive_attr attr;
    if (relu) {
        dnnl::post_ops ops;
        ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
        attr.set_post_ops(ops);
    }
    return {dnnl::matmul::desc(a_md, b_md, bias_md, c_md), attr, cpu_engine()};
}

// One matmul primitive and its arguments, pointed at the caller's buffers on each run.
struct Product {
    dnnl::matmul matmul;
    memory a, b, bias, c;

    explicit Product(const dnnl::matmul::primitive_desc& pd)
        : matmul(pd),
          a(pd.src_desc(), cpu_engine(), DNNL_MEMORY_NONE),
          b(pd.weights_desc(), cpu_engine(), DNNL_MEMORY_NONE),
          bias(pd.bias_desc(), cpu_engine(), DNNL_MEMORY_NONE),
          c(pd.dst_desc(), cpu_engine(), DNNL_MEMORY_NONE) {}
    void run(const uint16_t* a_data, const uint16_t* b_data, const float* bias_data, float* c_data) {
        a.set_data_handle(const_cast<uint16_t*>(a_data));
        b.set_data_handle(const_cast<uint16_t*>(b_data));
        c.set_data_handle(c_data);
        std::unordered_map<int, memory> args{{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, b}, {DNNL_ARG_DST, c}};
        if (bias_data != nullptr) {
            bias.set_data_handle(const_cast<float*>(bias_data));
            args.emplace(DNNL_ARG_BIAS, bias);
        }
        dnnl::stream& stream = cpu_stream();
        matmul.execute(stream, args);
        stream.wait();
    }
};

// The backward products of one chunk size: the kernel's gradient and, with a bias, dy's column sums as ones · dy.
struct GradientProducts {
    Product weights;
    std::optional<Product> bias;
};

// Per geometry and thread count (oneDNN splits a primitive's work for the threads it sees), built on first use,
// per thread so that callers need no lock, as the other convolution primitives.
struct Lowering {
    std::optional<Product> forward[2][2][2];         // [tail chunk][with bias][relu]
    std::optional<GradientProducts> gradient[2][2];  // [tail chunk][with bias]
};

Lowering& lowering_for(const ConvGeometry& g) {
    thread_local std::map<std::pair<ConvGeometry, int>, Lowering> cache;
    return cache[{g, thread_count()}];
}

Product& forward_for(const ConvGeometry& g, int64_t rows, bool tail, bool with_bias, bool relu) {
    std::optional<Product>& slot = lowering_for(g).forward[tail][with_bias][relu];
    if (!slot) slot.emplace(forward_product(rows, columns(g), g.out_c, with_bias, relu));
    return *slot;
}

GradientProducts& gradient_for(const ConvGeometry& g, int64_t rows, bool tail, bool with_bias) {
    std::optional<GradientProducts>& slot = lowering_for(g).gradient[tail][with_bias];
    if (!slot) {
        slot.emplace(GradientProducts{Product(transposed_product(columns(g), rows, g.out_c)), std::nullopt});
        if (with_bias) slot->bias.emplace(transposed_product(1, rows, g.out_c));
    }
    return *slot;
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
    const int64_t taps = g.kernel_h * g.kernel_w, in = g.in_c, out = g.out_c;
    for (int64_t t = 0; t < taps; ++t) {
        const float* from = w.data() + (taps - 1 - t) * in * out;
        float* to = flipped.data() + t * in * out;
        for (int64_t i = 0; i < in; ++i)
            for (int64_t o = 0; o < out; ++o) to[o * in + i] = from[i * out + o];
    }
}

void conv2d_forward_by_matmul(const ConvGeometry& g, const Bf16Tensor& x, const Tensor& w, const Tensor& bias,
                              Tensor& y, bool relu) {
    const int64_t total = output_rows(g), chunk = std::min(total, rows_per_chunk);
    thread_local std::vector<uint16_t> col;
    thread_local Bf16Tensor kernel;
    col.resize(static_cast<size_t>(chunk * columns(g)));
    convert_to_bfloat16(w, kernel);  // rounded as oneDNN's reorder rounds it for the direct kernels
    for (int64_t first = 0; first < total; first += chunk) {
        const int64_t rows = std::min(chunk, total - first);
        im2col(g, x.data(), first, rows, col.data());
        forward_for(g, rows, rows != chunk, !bias.empty(), relu)
            .run(col.data(), kernel.data(), bias.empty() ? nullptr : bias.data(), y.data() + first * g.out_c);
    }
}

void conv2d_backward_weights_by_matmul(const ConvGeometry& g, const Bf16Tensor& x, const Bf16Tensor& dy, Tensor& dw,
                                       Tensor& db) {
    const int64_t total = output_rows(g), chunk = std::min(total, rows_per_chunk);
    thread_local std::vector<uint16_t> col;
    thread_local std::vector<uint16_t> ones;
    col.resize(static_cast<size_t>(chunk * columns(g)));
    const bool with_bias = !db.empty();
    if (with_bias) ones.assign(static_cast<size_t>(chunk), bfloat16_bits(1.0f));
    for (int64_t first = 0; first < total; first += chunk) {
        const int64_t rows = std::min(chunk, total - first);
        GradientProducts& products = gradient_for(g, rows, rows != chunk, with_bias);
        im2col(g, x.data(), first, rows, col.data());
        const uint16_t* dy_rows = dy.data() + first * g.out_c;
        products.weights.run(col.data(), dy_rows, nullptr, dw.data());
        if (with_bias) products.bias->run(ones.data(), dy_rows, nullptr, db.data());
    }
}

std::string forward_by_matmul_implementation(const ConvGeometry& g) {
    const int64_t rows = std::min(output_rows(g), rows_per_chunk);
    return std::string("matmul over im2col: ") +
           forward_product(rows, columns(g), g.out_c, true, false).impl_info_str();
}

std::string weights_gradient_by_matmul_implementation(const ConvGeometry& g) {
    const int64_t rows = std::min(output_rows(g), rows_per_chunk);
    return std::string("matmul over im2col: ") + transposed_product(columns(g), rows, g.out_c).impl_info_str();
}

}  // namespace nnlab
