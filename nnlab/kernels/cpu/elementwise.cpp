// Bias, row sums and activations on the CPU: vectorisable loops, threaded with OpenMP
// (the runtime oneDNN uses here), split so that every result is summed in a fixed order.
//
// The activations that need exp, erf or tanh go through oneDNN's eltwise primitives: GCC turns std::tanh and
// std::exp into scalar libm calls, and the seed MLP's tanh over 64×256 values then ran on one core while the
// other waited (4% of its step, measured with perf); oneDNN's JIT kernels are vectorised and threaded. GELU's forward
// is the vector GELU of kernels/cpu/pointwise.hpp instead, as batch norm's fused pass: its output rounded to bfloat16
// (for a convolution after it) is then this kernel's, rounded.
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include <oneapi/dnnl/dnnl.hpp>

#include "nnlab/core/threads.hpp"
#include "nnlab/kernels/cpu/dnnl_context.hpp"

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/cpu/cpu_backend.hpp"
#include "nnlab/kernels/cpu/pointwise.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

// Below this many elements a parallel region costs more than it saves.
constexpr int64_t parallel_threshold = 1 << 15;
constexpr float leaky_slope = 0.2f;  // keras.activations.leaky_relu's default

// op(i) for every value. Threads take blocks and each block is one simd loop over a local copy of `op`: GCC does not
// vectorise a `parallel for simd` that reads a shared struct.
template <class Op>
void each_value(int64_t count, const Op& op) {
    constexpr int64_t block = 4096;
    const int64_t blocks = (count + block - 1) / block;
#pragma omp parallel for schedule(static) if (count >= parallel_threshold)
    for (int64_t b = 0; b < blocks; ++b) {
        const Op local = op;
        const int64_t end = std::min(count, (b + 1) * block);
#pragma omp simd
        for (int64_t i = b * block; i < end; ++i) local(i);
    }
}

// out(i, f(in[i])) for every value, and copy[i] = in[i] rounded when with_copy.
template <ActivationKind kind, bool with_copy, class Out>
void activate_each(const float* in, const Out& out, uint16_t* copy, int64_t count) {
    each_value(count, [=](int64_t i) {
        if constexpr (with_copy) copy[i] = bfloat16_bits(in[i]);
        out(i, pointwise::activate<kind>(in[i]));
    });
}

struct EltwiseKey {
    dnnl::algorithm algorithm;
    int64_t count;
    bool backward;
    int threads;
    auto operator<=>(const EltwiseKey&) const = default;
};

struct EltwisePrimitive {
    dnnl::primitive primitive;
    dnnl::memory a, b, c;  // forward: src, dst; backward: src (or dst), diff_dst, diff_src
};

EltwisePrimitive make_eltwise(const EltwiseKey& key) {
    const dnnl::engine& engine = cpu_engine();
    const dnnl::memory::desc md({key.count}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::x);
    const auto forward_desc = dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, key.algorithm, md, 1.0f);
    const dnnl::eltwise_forward::primitive_desc forward(forward_desc, engine);
    auto memory = [&] { return dnnl::memory(md, engine, DNNL_MEMORY_NONE); };
    if (!key.backward) return {dnnl::eltwise_forward(forward), memory(), memory(), memory()};
    const dnnl::eltwise_backward::primitive_desc backward(dnnl::eltwise_backward::desc(key.algorithm, md, md, 1.0f),
                                                          engine, forward);
    return {dnnl::eltwise_backward(backward), memory(), memory(), memory()};
}

EltwisePrimitive& eltwise_for(dnnl::algorithm algorithm, int64_t count, bool backward) {
    thread_local std::map<EltwiseKey, EltwisePrimitive> cache;  // per thread, so callers need no lock
    const EltwiseKey key{algorithm, count, backward, thread_count()};
    auto it = cache.find(key);
    if (it == cache.end()) it = cache.emplace(key, make_eltwise(key)).first;
    return it->second;
}

// y = f(x) by oneDNN (alpha 1: swish's β, elu's α).
void eltwise_forward(dnnl::algorithm algorithm, const float* x, float* y, int64_t count) {
    EltwisePrimitive& p = eltwise_for(algorithm, count, false);
    p.a.set_data_handle(const_cast<float*>(x));
    p.b.set_data_handle(y);
    dnnl::stream& stream = cpu_stream();
    p.primitive.execute(stream, {{DNNL_ARG_SRC, p.a}, {DNNL_ARG_DST, p.b}});
    stream.wait();
}

// dx = f'(x)·dy by oneDNN, from the input x.
void eltwise_backward(dnnl::algorithm algorithm, const float* x, const float* dy, float* dx, int64_t count) {
    EltwisePrimitive& p = eltwise_for(algorithm, count, true);
    p.a.set_data_handle(const_cast<float*>(x));
    p.b.set_data_handle(const_cast<float*>(dy));
    p.c.set_data_handle(dx);
    dnnl::stream& stream = cpu_stream();
    p.primitive.execute(stream, {{DNNL_ARG_SRC, p.a}, {DNNL_ARG_DIFF_DST, p.b}, {DNNL_ARG_DIFF_SRC, p.c}});
    stream.wait();
}

}  // namespace

void CpuBackend::add(const Tensor& a, const Tensor& b, Tensor& out, bool relu) {
    check_same_shape("add", a, b);
    check_same_shape("add", a, out);
    const float* pa = a.data();
    const float* pb = b.data();
    float* po = out.data();
    const int64_t count = out.numel();
    if (relu) {
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
        for (int64_t i = 0; i < count; ++i) po[i] = std::max(pa[i] + pb[i], 0.0f);
    } else {
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
        for (int64_t i = 0; i < count; ++i) po[i] = pa[i] + pb[i];
    }
}

void CpuBackend::add_row_bias(Tensor& y, const Tensor& bias) {
    const int64_t n = y.rows(), c = y.cols();
    if (bias.numel() != c)
        throw Error(
            "add_row_bias: bias of " + std::to_string(bias.numel()) + " values for rows of " + std::to_string(c),
            ErrorKind::failure);
    float* out = y.data();
    const float* b = bias.data();
#pragma omp parallel for schedule(static) if (n * c >= parallel_threshold)
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < c; ++j) out[i * c + j] += b[j];
}

void CpuBackend::sum_rows(const Tensor& x, Tensor& out, bool accumulate) {
    const int64_t n = x.rows(), c = x.cols();
    if (out.numel() != c)
        throw Error("sum_rows: output of " + std::to_string(out.numel()) + " values for rows of " + std::to_string(c),
                    ErrorKind::failure);
    const float* in = x.data();
    float* o = out.data();
    if (!accumulate) std::fill_n(o, c, 0.0f);
    // Rows are added in order for each column, so the result does not depend on thread count.
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < c; ++j) o[j] += in[i * c + j];
}

void CpuBackend::activation_forward(ActivationKind kind, const Tensor& x, Tensor& y) {
    check_same_shape("activation_forward", x, y);
    const int64_t count = x.numel();
    const float* in = x.data();
    float* out = y.data();
    switch (kind) {
        case ActivationKind::linear:
            if (in != out) std::copy_n(in, count, out);
            return;
        case ActivationKind::relu:
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
            // std::max's semantics (NaN passes through) as a select: GCC 12 leaves std::max here as a scalar
            // branch, this vectorises.
            for (int64_t i = 0; i < count; ++i) out[i] = in[i] < 0.0f ? 0.0f : in[i];
            return;
        case ActivationKind::tanh:
            eltwise_forward(dnnl::algorithm::eltwise_tanh, in, out, count);
            return;
        case ActivationKind::sigmoid:
            eltwise_forward(dnnl::algorithm::eltwise_logistic, in, out, count);
            return;
        case ActivationKind::softmax: {
            const SoftmaxRows along_last = softmax_rows(x.shape());
            const int64_t rows = along_last.rows, cols = along_last.cols;
#pragma omp parallel for schedule(static) if (count >= parallel_threshold)
            for (int64_t r = 0; r < rows; ++r) {
                const float* row = in + r * cols;
                float* dst = out + r * cols;
                const float top = *std::max_element(row, row + cols);
                float total = 0.0f;
                for (int64_t j = 0; j < cols; ++j) {
                    dst[j] = std::exp(row[j] - top);
                    total += dst[j];
                }
                const float scale = 1.0f / total;
                for (int64_t j = 0; j < cols; ++j) dst[j] *= scale;
            }
            return;
        }
        case ActivationKind::leaky_relu:
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) out[i] = in[i] > 0.0f ? in[i] : leaky_slope * in[i];
            return;
        case ActivationKind::elu:
            eltwise_forward(dnnl::algorithm::eltwise_elu, in, out, count);
            return;
        case ActivationKind::gelu:
            return activate_each<ActivationKind::gelu, false>(in, pointwise::Float32Out{out}, nullptr, count);
        case ActivationKind::swish:
            eltwise_forward(dnnl::algorithm::eltwise_swish, in, out, count);
            return;
        case ActivationKind::softplus:
            // log(1 + eˣ) = max(x, 0) + log1p(e^−|x|), which neither overflows nor loses small values.
#pragma omp parallel for schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) out[i] = std::max(in[i], 0.0f) + std::log1p(std::exp(-std::abs(in[i])));
            return;
    }
}

void CpuBackend::activation_forward(ActivationKind kind, const Tensor& x, Bf16Tensor& y, Bf16Tensor* rounded_x) {
    check_one_pass_activation("activation_forward", kind);
    if (y.numel() != x.numel() || (rounded_x != nullptr && rounded_x->numel() != x.numel())) {
        throw Error("activation_forward: x is " + x.shape().to_string() + ", y " + y.shape().to_string() +
                        (rounded_x != nullptr ? ", the copy of x " + rounded_x->shape().to_string() : ""),
                    ErrorKind::failure);
    }
    const pointwise::Bfloat16Out out{y.data()};
    uint16_t* copy = rounded_x != nullptr ? rounded_x->data() : nullptr;
    const int64_t count = x.numel();
    switch (kind) {
        case ActivationKind::relu:
            return copy != nullptr ? activate_each<ActivationKind::relu, true>(x.data(), out, copy, count)
                                   : activate_each<ActivationKind::relu, false>(x.data(), out, copy, count);
        case ActivationKind::gelu:
            return copy != nullptr ? activate_each<ActivationKind::gelu, true>(x.data(), out, copy, count)
                                   : activate_each<ActivationKind::gelu, false>(x.data(), out, copy, count);
        default:
            return copy != nullptr ? activate_each<ActivationKind::linear, true>(x.data(), out, copy, count)
                                   : activate_each<ActivationKind::linear, false>(x.data(), out, copy, count);
    }
}

void CpuBackend::activation_backward(ActivationKind kind, const Bf16Tensor& saved, const Tensor& dy, Tensor& dx) {
    check_one_pass_activation("activation_backward", kind);
    check_same_shape("activation_backward", dy, dx);
    if (kind != ActivationKind::linear && saved.numel() != dy.numel()) {
        throw Error(
            "activation_backward: the kept copy is " + saved.shape().to_string() + ", dy " + dy.shape().to_string(),
            ErrorKind::failure);
    }
    const uint16_t* kept = saved.data();
    const float* g = dy.data();
    float* d = dx.data();
    const int64_t count = dy.numel();
    switch (kind) {
        case ActivationKind::relu:  // from y: y > 0 exactly where z > 0
            return each_value(count,
                              [=](int64_t i) { d[i] = pointwise::Bfloat16Values{kept}(i) > 0.0f ? g[i] : 0.0f; });
        case ActivationKind::gelu:
            return each_value(count, [=](int64_t i) {
                d[i] = g[i] * pointwise::derivative<ActivationKind::gelu>(pointwise::Bfloat16Values{kept}(i));
            });
        default:
            if (g != d) std::copy_n(g, count, d);
    }
}

void CpuBackend::activation_backward(ActivationKind kind, const Tensor& x, const Tensor& y, const Tensor& dy,
                                     Tensor& dx) {
    check_same_shape("activation_backward", y, dy);
    check_same_shape("activation_backward", y, dx);
    if (activation_needs_input(kind)) check_same_shape("activation_backward", y, x);
    const int64_t count = y.numel();
    const float* in = x.data();
    const float* out = y.data();
    const float* g = dy.data();
    float* d = dx.data();
    switch (kind) {
        case ActivationKind::linear:
            if (g != d) std::copy_n(g, count, d);
            return;
        case ActivationKind::relu:
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) d[i] = out[i] > 0.0f ? g[i] : 0.0f;
            return;
        case ActivationKind::tanh:
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) d[i] = (1.0f - out[i] * out[i]) * g[i];
            return;
        case ActivationKind::sigmoid:
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) d[i] = out[i] * (1.0f - out[i]) * g[i];
            return;
        case ActivationKind::softmax: {
            const SoftmaxRows along_last = softmax_rows(y.shape());
            const int64_t rows = along_last.rows, cols = along_last.cols;
            for (int64_t r = 0; r < rows; ++r) {
                float dot = 0.0f;
                for (int64_t j = 0; j < cols; ++j) dot += g[r * cols + j] * out[r * cols + j];
                for (int64_t j = 0; j < cols; ++j) d[r * cols + j] = out[r * cols + j] * (g[r * cols + j] - dot);
            }
            return;
        }
        case ActivationKind::leaky_relu:
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) d[i] = out[i] > 0.0f ? g[i] : leaky_slope * g[i];
            return;
        case ActivationKind::elu:
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) d[i] = out[i] > 0.0f ? g[i] : (out[i] + 1.0f) * g[i];
            return;
        case ActivationKind::gelu:  // the forward's own formula (pointwise.hpp), as the bfloat16 pass uses
            return each_value(count,
                              [=](int64_t i) { d[i] = g[i] * pointwise::derivative<ActivationKind::gelu>(in[i]); });
        case ActivationKind::swish:  // σ(x)·(1 + x·(1 − σ(x)))
            eltwise_backward(dnnl::algorithm::eltwise_swish, in, g, d, count);
            return;
        case ActivationKind::softplus:
            // σ(x) = 1 − e^−y
#pragma omp parallel for schedule(static) if (count >= parallel_threshold)
            for (int64_t i = 0; i < count; ++i) d[i] = -std::expm1(-out[i]) * g[i];
            return;
    }
}

void CpuBackend::copy(const Tensor& x, Tensor& y) {
    check_same_shape("copy", x, y);
    if (x.data() != y.data()) std::copy_n(x.data(), x.numel(), y.data());
}

void CpuBackend::multiply(const Tensor& a, const Tensor& b, Tensor& out) {
    check_same_shape("multiply", a, b);
    check_same_shape("multiply", a, out);
    const float* pa = a.data();
    const float* pb = b.data();
    float* po = out.data();
    const int64_t count = out.numel();
    for (int64_t i = 0; i < count; ++i) po[i] = pa[i] * pb[i];
}

void CpuBackend::axpy(float alpha, const Tensor& x, Tensor& y) {
    check_same_shape("axpy", x, y);
    const float* px = x.data();
    float* py = y.data();
    const int64_t count = y.numel();
#pragma omp parallel for simd schedule(static) if (count >= parallel_threshold)
    for (int64_t i = 0; i < count; ++i) py[i] += alpha * px[i];
}

void CpuBackend::scale_shift(const Tensor& x, Tensor& y, float scale, float offset) {
    check_same_shape("scale_shift", x, y);
    const float* in = x.data();
    float* out = y.data();
    const int64_t count = x.numel();
    for (int64_t i = 0; i < count; ++i) out[i] = in[i] * scale + offset;
}

void CpuBackend::moving_average(Tensor& average, const Tensor& value, double momentum) {
    check_same_shape("moving_average", average, value);
    for (int64_t j = 0; j < average.numel(); ++j)
        average[j] = static_cast<float>(average[j] * momentum + value[j] * (1 - momentum));
}

void CpuBackend::dropout_mask(Tensor& mask, double rate, Rng& rng, int64_t first, int64_t total) {
    const auto keep_scale = static_cast<float>(1.0 / (1.0 - rate));
    // One 64-bit draw decides four values, 16 bits each: a value is dropped when its slice is below
    // rate·2¹⁶, so the dropped fraction is the rate rounded to 1/65536 (within 8e-6), at a quarter of the draws.
    const auto threshold = static_cast<uint64_t>(std::min(std::llround(rate * 65536.0), 65535LL));
    const int64_t end = first + mask.numel(), draws = (total + 3) / 4;
    float* m = mask.data();  // m[j - first] is value j of the whole mask
    int64_t draw = 0;
    for (; draw < first / 4; ++draw) rng.next_u64();  // the values of the ranks before this one
    for (int64_t i = draw * 4; i < end; i += 4, ++draw) {
        uint64_t bits = rng.next_u64();
        for (int64_t j = i; j < std::min(i + 4, end); ++j, bits >>= 16)
            if (j >= first) m[j - first] = (bits & 0xffff) >= threshold ? keep_scale : 0.0f;
    }
    for (; draw < draws; ++draw) rng.next_u64();  // and after it
}

}  // namespace nnlab
