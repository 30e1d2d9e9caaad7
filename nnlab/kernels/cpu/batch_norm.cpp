// Batch normalisation on the CPU through oneDNN's batch_normalization primitives, built once per shape and
// reused. x (…, C) is seen as (M, C, 1, 1) in nhwc, which is the same memory, so any rank needs no reorder.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "nnlab/core/threads.hpp"
#include "nnlab/kernels/batch_norm.hpp"
#include "nnlab/kernels/cpu/dnnl_context.hpp"

#include "nnlab/kernels/cpu/cpu_backend.hpp"

namespace nnlab {
namespace {

using dnnl::memory;

enum class NormPass { forward_training, forward_inference, backward };

struct NormKey {
    int64_t m, c;
    float epsilon;
    NormPass pass;
    auto operator<=>(const NormKey&) const = default;
};

struct NormPrimitive {
    dnnl::primitive primitive;
    memory src, dst, diff_src, diff_dst, scale, shift, mean, variance, diff_scale, diff_shift;
    std::vector<float> diff_scale_values, diff_shift_values;  // oneDNN overwrites these; we add them up
    std::string implementation;
};

NormPrimitive make_norm(const NormKey& key) {
    const dnnl::engine& engine = cpu_engine();
    const memory::desc data_md({key.m, key.c, 1, 1}, memory::data_type::f32, memory::format_tag::nhwc);
    const memory::desc channel_md({key.c}, memory::data_type::f32, memory::format_tag::a);
    const auto scale_shift = dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift;
    const bool inference = key.pass == NormPass::forward_inference;
    const auto flags = inference ? scale_shift | dnnl::normalization_flags::use_global_stats : scale_shift;
    const dnnl::batch_normalization_forward::primitive_desc forward_pd(
        dnnl::batch_normalization_forward::desc(
            inference ? dnnl::prop_kind::forward_inference : dnnl::prop_kind::forward_training, data_md, key.epsilon,
            flags),
        engine);
    NormPrimitive p;
    for (memory* m : {&p.scale, &p.shift, &p.mean, &p.variance, &p.diff_scale, &p.diff_shift})
        *m = memory(channel_md, engine, DNNL_MEMORY_NONE);
    for (memory* m : {&p.src, &p.dst, &p.diff_src, &p.diff_dst}) *m = memory(data_md, engine, DNNL_MEMORY_NONE);
    if (key.pass == NormPass::backward) {
        const dnnl::batch_normalization_backward::primitive_desc backward_pd(
            dnnl::batch_normalization_backward::desc(dnnl::prop_kind::backward, data_md, data_md, key.epsilon,
                                                     scale_shift),
            engine, forward_pd);
        p.primitive = dnnl::batch_normalization_backward(backward_pd);
        p.implementation = backward_pd.impl_info_str();
        p.diff_scale_values.resize(static_cast<size_t>(key.c));
        p.diff_shift_values.resize(static_cast<size_t>(key.c));
        p.diff_scale.set_data_handle(p.diff_scale_values.data());
        p.diff_shift.set_data_handle(p.diff_shift_values.data());
    } else {
        p.primitive = dnnl::batch_normalization_forward(forward_pd);
        p.implementation = forward_pd.impl_info_str();
    }
    return p;
}

// Each thread keeps its own primitives, so callers need no lock; keyed by the thread count too, as oneDNN splits
// the work for the threads it sees when it creates a primitive.
NormPrimitive& cached_norm(const NormKey& key) {
    thread_local std::map<std::pair<NormKey, int>, NormPrimitive> cache;
    auto it = cache.find({key, thread_count()});
    if (it == cache.end()) it = cache.emplace(std::pair{key, thread_count()}, make_norm(key)).first;
    return it->second;
}

float* handle(const Tensor& t) {
    return const_cast<float*>(t.data());
}

// Runs one of the two forward passes; in training mean and variance are outputs, in inference inputs.
void forward(NormPass pass, const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& mean,
             const Tensor& variance, float epsilon, Tensor& y, int64_t m, int64_t c) {
    NormPrimitive& p = cached_norm({m, c, epsilon, pass});
    p.src.set_data_handle(handle(x));
    p.dst.set_data_handle(y.data());
    p.scale.set_data_handle(handle(gamma));
    p.shift.set_data_handle(handle(beta));
    p.mean.set_data_handle(handle(mean));
    p.variance.set_data_handle(handle(variance));
    dnnl::stream& stream = cpu_stream();
    p.primitive.execute(stream, {{DNNL_ARG_SRC, p.src},
                                 {DNNL_ARG_DST, p.dst},
                                 {DNNL_ARG_SCALE, p.scale},
                                 {DNNL_ARG_SHIFT, p.shift},
                                 {DNNL_ARG_MEAN, p.mean},
                                 {DNNL_ARG_VARIANCE, p.variance}});
    stream.wait();
}

}  // namespace

std::string batch_norm_implementation(int64_t m, int64_t c, bool backward) {
    return cached_norm({m, c, 1e-3f, backward ? NormPass::backward : NormPass::forward_training}).implementation;
}

void CpuBackend::batch_norm_forward_training(const Tensor& x, const Tensor& gamma, const Tensor& beta, float epsilon,
                                             Tensor& y, Tensor& batch_mean, Tensor& batch_variance) {
    const auto [m, c] =
        check_batch_norm("batch_norm_forward_training", x, {&y}, {&gamma, &beta, &batch_mean, &batch_variance});
    forward(NormPass::forward_training, x, gamma, beta, batch_mean, batch_variance, epsilon, y, m, c);
}

void CpuBackend::batch_norm_forward_inference(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                              const Tensor& mean, const Tensor& variance, float epsilon, Tensor& y) {
    const auto [m, c] = check_batch_norm("batch_norm_forward_inference", x, {&y}, {&gamma, &beta, &mean, &variance});
    forward(NormPass::forward_inference, x, gamma, beta, mean, variance, epsilon, y, m, c);
}

void CpuBackend::batch_norm_backward(const Tensor& x, const Tensor& dy, const Tensor& gamma, const Tensor& batch_mean,
                                     const Tensor& batch_variance, float epsilon, Tensor& dx, Tensor& dgamma,
                                     Tensor& dbeta) {
    const auto [m, c] =
        check_batch_norm("batch_norm_backward", x, {&dy, &dx}, {&gamma, &batch_mean, &batch_variance, &dgamma, &dbeta});
    NormPrimitive& p = cached_norm({m, c, epsilon, NormPass::backward});
    p.src.set_data_handle(handle(x));
    p.diff_dst.set_data_handle(handle(dy));
    p.diff_src.set_data_handle(dx.data());
    p.scale.set_data_handle(handle(gamma));
    p.mean.set_data_handle(handle(batch_mean));
    p.variance.set_data_handle(handle(batch_variance));
    dnnl::stream& stream = cpu_stream();
    // oneDNN 2.6 insists on a shift argument with use_shift although the backward pass never reads it.
    p.primitive.execute(stream, {{DNNL_ARG_SRC, p.src},
                                 {DNNL_ARG_DIFF_DST, p.diff_dst},
                                 {DNNL_ARG_SCALE, p.scale},
                                 {DNNL_ARG_SHIFT, p.scale},
                                 {DNNL_ARG_MEAN, p.mean},
                                 {DNNL_ARG_VARIANCE, p.variance},
                                 {DNNL_ARG_DIFF_SRC, p.diff_src},
                                 {DNNL_ARG_DIFF_SCALE, p.diff_scale},
                                 {DNNL_ARG_DIFF_SHIFT, p.diff_shift}});
    stream.wait();
    for (int64_t j = 0; j < c; ++j) {
        dgamma[j] += p.diff_scale_values[static_cast<size_t>(j)];
        dbeta[j] += p.diff_shift_values[static_cast<size_t>(j)];
    }
}

void CpuBackend::add_channel_affine(const Tensor& x, const Tensor& scale, const Tensor& shift, Tensor& y) {
    // Plain copies: clang 14 cannot capture structured bindings in an OpenMP region.
    const BatchNormDims dims = check_batch_norm("add_channel_affine", x, {&y}, {&scale, &shift});
    const int64_t m = dims.m, c = dims.c;
    const float* in = x.data();
    const float* a = scale.data();
    const float* b = shift.data();
    float* out = y.data();
#pragma omp parallel for schedule(static) if (m * c >= (int64_t{1} << 15))
    for (int64_t i = 0; i < m; ++i) {
#pragma omp simd
        for (int64_t j = 0; j < c; ++j) out[i * c + j] += in[i * c + j] * a[j] + b[j];
    }
}

}  // namespace nnlab
