// 2-D convolution on the CPU through oneDNN's convolution primitives (algorithm::convolution_direct), built once
// per geometry and cached per thread; a depthwise convolution is the grouped one with groups = in_channels.
//
// Layouts. Activations stay NHWC (the layer boundary), so no activation is ever reordered. Weights are given
// to oneDNN as format_tag::any: it picks a blocked layout and we reorder the Keras HWIO kernel into it on each
// call (small next to the convolution; the weights change every step). For backward-weights the primitive writes
// into its own layout and a reorder with a sum post-op adds the result into the HWIO gradient.
//
// Why format_tag::any for the weights: with the weights pinned to HWIO oneDNN 2.6 finds no direct kernel and
// falls back to im2col + GEMM ("gemm:jit") for all three passes. Measured with bench/conv_bench (batch 64, 2 Zen 5
// cores shared with other jobs, so rough), ms per call, any → hwio:
//   32×32×32→32 valid: forward 49 → 76, backward-data 53 → 2076, backward-weights 69 → 384
//   16×16×32→32 same:  forward 33 → 34, backward-data 31 → 1617, backward-weights 41 → 32
// With any, every pass gets a JIT direct kernel: forward "brgconv:avx512_core" (brgemm-based, NHWC-native;
// "brgconv_1x1" for 1×1 kernels), backward-data and backward-weights "jit:avx512_core", depthwise "brdgmm_dw" /
// "jit_dw"; the tests check that the CIFAR-sized layers never get a "ref" implementation.
//
// Why NHWC rather than blocked activations: with src/dst (and diff_src/diff_dst) as format_tag::any too, oneDNN
// picks nChw16c-style blocking and "jit:avx512_core" for every pass, and the reorders NHWC ↔ blocked (cached
// primitives, buffers allocated once per geometry) go at the boundary. Blocked came out slower for every pass
// and layer of the Keras CIFAR CNN. bench/conv_bench, batch 64, GFLOP/s median of 3, reorders included,
// NHWC → blocked (same minute, 2 shared Zen 5 cores):
//   OMP_NUM_THREADS=1      forward            backward-data      backward-weights
//   32×32×3→32 same        67 → 59            19 → 14            65 → 42
//   32×32×32→32 valid      81 → 75            89 → 80            79 → 59
//   15×15×32→64 same      105 → 88            97 → 86            92 → 77
//   15×15×64→64 valid      90 → 65           100 → 85            80 → 66
//   OMP_NUM_THREADS=2 (the other jobs on the 2 cores halve everything; the order holds):
//   32×32×32→32 valid      43 → 27            44 → 26            37 → 21
//   15×15×64→64 valid      35 → 21            44 → 21            28 → 16
// A relu after the convolution is fused as an eltwise post-op (conv2d_forward_relu): it costs the forward
// nothing measurable (OMP_NUM_THREADS=1: 75 → 78, 92 → 103, 93 → 93 GFLOP/s, within noise) and saves a pass
// over y; the layer's backward takes relu's derivative from y.
//
// In bfloat16 (ConvGeometry::bfloat16) the primitives take bf16 activations and weights and produce float32. The
// weights are rounded by the same reorder that blocks them; x and dy either come rounded (the Bf16Tensor overloads,
// which layers use so that each is rounded once per step) or are converted into per-primitive buffers on each call.
// Wide bfloat16 layers take other primitives where those measured faster (convolution_lowered.hpp): backward-weights
// and small forwards as matmuls over im2col, stride-1 backward-data as the forward of the flipped kernel.
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

#include <oneapi/dnnl/dnnl.hpp>

#include "nnlab/core/threads.hpp"
#include "nnlab/kernels/convolution.hpp"
#include "nnlab/kernels/cpu/convolution_lowered.hpp"
#include "nnlab/kernels/cpu/cpu_backend.hpp"
#include "nnlab/kernels/cpu/dnnl_context.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
constexpr auto f32 = memory::data_type::f32;

// The type of x, w and dy: what the products read.
memory::data_type operand_type(const ConvGeometry& g) {
    return g.bfloat16 ? memory::data_type::bf16 : f32;
}

memory::desc input_md(const ConvGeometry& g, memory::data_type type) {
    return memory::desc({g.batch, g.in_c, g.in_h, g.in_w}, type, tag::nhwc);
}

memory::desc output_md(const ConvGeometry& g, memory::data_type type) {
    return memory::desc({g.batch, g.out_c, g.out_h, g.out_w}, type, tag::nhwc);
}

memory::dims weights_dims(const ConvGeometry& g) {
    if (g.groups == 1) return {g.out_c, g.in_c, g.kernel_h, g.kernel_w};
    return {g.groups, g.out_c / g.groups, g.in_c / g.groups, g.kernel_h, g.kernel_w};
}

// The Keras kernel (KH, KW, IC/G, OC) seen through oneDNN's (G,) OC/G, IC/G, KH, KW dimensions.
memory::desc keras_weights_md(const ConvGeometry& g) {
    if (g.groups == 1) return memory::desc(weights_dims(g), f32, tag::hwio);
    const int64_t icg = g.in_c / g.groups, ocg = g.out_c / g.groups;
    return memory::desc(weights_dims(g), f32, memory::dims{ocg, 1, g.out_c, g.kernel_w * icg * g.out_c, icg * g.out_c});
}

memory::desc chosen_weights_md(const ConvGeometry& g, memory::data_type type) {
    return memory::desc(weights_dims(g), type, tag::any);
}

memory::desc bias_md(const ConvGeometry& g, bool with_bias) {
    return with_bias ? memory::desc({g.out_c}, f32, tag::x) : memory::desc();
}

struct Window {
    memory::dims strides, dilates, padding_l, padding_r;
};

Window window_of(const ConvGeometry& g) {
    // oneDNN counts dilation from 0 (0 = dense kernel), Keras from 1.
    return {{g.stride_h, g.stride_w},
            {g.dilation_h - 1, g.dilation_w - 1},
            {g.pad_top, g.pad_left},
            {g.pad_bottom, g.pad_right}};
}

dnnl::primitive_attr with_relu(bool relu) {
    dnnl::primitive_attr attr;
    if (relu) {
        dnnl::post_ops ops;
        ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
        attr.set_post_ops(ops);
    }
    return attr;
}

dnnl::convolution_forward::primitive_desc forward_pd(const ConvGeometry& g, bool with_bias, bool relu = false) {
    const Window win = window_of(g);
    const dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                               input_md(g, operand_type(g)), chosen_weights_md(g, operand_type(g)),
                                               bias_md(g, with_bias), output_md(g, f32), win.strides, win.dilates,
                                               win.padding_l, win.padding_r);
    return {desc, with_relu(relu), cpu_engine()};
}

dnnl::convolution_backward_data::primitive_desc backward_data_pd(const ConvGeometry& g) {
    const Window win = window_of(g);
    const dnnl::convolution_backward_data::desc desc(
        dnnl::algorithm::convolution_direct, input_md(g, f32), chosen_weights_md(g, operand_type(g)),
        output_md(g, operand_type(g)), win.strides, win.dilates, win.padding_l, win.padding_r);
    const auto hint = forward_pd(g, false);  // next_impl() reads it again, so it must outlive the loop
    dnnl::convolution_backward_data::primitive_desc pd(desc, cpu_engine(), hint);
    // oneDNN 2.6's "jit_bf16_1x1" backward-data writes wrong values for NHWC when the output channels are not a
    // multiple of 16 (found by the parity tests: errors of order 1 at 33 channels); take the next implementation.
    while (g.out_c % 16 != 0 && std::string(pd.impl_info_str()).starts_with("jit_bf16_1x1"))
        if (!pd.next_impl()) break;
    return pd;
}

dnnl::convolution_backward_weights::primitive_desc backward_weights_pd(const ConvGeometry& g, bool with_bias) {
    const Window win = window_of(g);
    const dnnl::convolution_backward_weights::desc desc(
        dnnl::algorithm::convolution_direct, input_md(g, operand_type(g)), chosen_weights_md(g, f32),
        bias_md(g, with_bias), output_md(g, operand_type(g)), win.strides, win.dilates, win.padding_l, win.padding_r);
    return {desc, cpu_engine(), forward_pd(g, with_bias)};
}

// The Keras kernel as the primitive reads it: a reorder into the primitive's layout, or the tensor itself.
struct WeightsIn {
    memory keras, chosen;
    std::optional<dnnl::reorder> reorder;

    WeightsIn(const ConvGeometry& g, const memory::desc& chosen_md)
        : keras(keras_weights_md(g), cpu_engine(), DNNL_MEMORY_NONE) {
        if (chosen_md == keras.get_desc()) {
            chosen = keras;
        } else {
            chosen = memory(chosen_md, cpu_engine());
            reorder.emplace(keras, chosen);
        }
    }
    void load(const Tensor& w, dnnl::stream& stream) {
        keras.set_data_handle(const_cast<float*>(w.data()));
        if (reorder) reorder->execute(stream, keras, chosen);
    }
};

// An activation (x or dy) as the primitive reads it: the tensor itself, its bfloat16 copy, or a copy the caller
// rounded already.
struct ActivationIn {
    memory mem;
    Bf16Tensor converted;

    explicit ActivationIn(const memory::desc& md) : mem(md, cpu_engine(), DNNL_MEMORY_NONE) {}
    void load(const Tensor& t) {
        if (mem.get_desc().data_type() == f32) {
            mem.set_data_handle(const_cast<float*>(t.data()));
            return;
        }
        convert_to_bfloat16(t, converted);
        mem.set_data_handle(converted.data());
    }
    void load(const Bf16Tensor& t) { mem.set_data_handle(const_cast<uint16_t*>(t.data())); }
};

struct Forward {
    dnnl::convolution_forward conv;
    WeightsIn weights;
    ActivationIn src;
    memory bias, dst;

    Forward(const ConvGeometry& g, const dnnl::convolution_forward::primitive_desc& pd)
        : conv(pd),
          weights(g, pd.weights_desc()),
          src(pd.src_desc()),
          bias(pd.bias_desc(), cpu_engine(), DNNL_MEMORY_NONE),
          dst(pd.dst_desc(), cpu_engine(), DNNL_MEMORY_NONE) {}
};

struct BackwardData {
    dnnl::convolution_backward_data conv;
    WeightsIn weights;
    ActivationIn diff_dst;
    memory diff_src;

    BackwardData(const ConvGeometry& g, const dnnl::convolution_backward_data::primitive_desc& pd)
        : conv(pd),
          weights(g, pd.weights_desc()),
          diff_dst(pd.diff_dst_desc()),
          diff_src(pd.diff_src_desc(), cpu_engine(), DNNL_MEMORY_NONE) {}
};

dnnl::primitive_attr accumulating() {
    dnnl::post_ops ops;
    ops.append_sum(1.0f);
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    return attr;
}

// The primitive writes dL/dw into its own buffer (in its layout); a reorder with a sum post-op then adds it into
// the Keras gradient, and dL/db is added by hand.
struct BackwardWeights {
    dnnl::convolution_backward_weights conv;
    ActivationIn src, diff_dst;
    memory diff_weights, diff_bias, keras_dw;
    dnnl::reorder add_into_keras;

    BackwardWeights(const ConvGeometry& g, const dnnl::convolution_backward_weights::primitive_desc& pd)
        : conv(pd),
          src(pd.src_desc()),
          diff_dst(pd.diff_dst_desc()),
          diff_weights(pd.diff_weights_desc(), cpu_engine()),
          diff_bias(pd.diff_bias_desc(), cpu_engine()),
          keras_dw(keras_weights_md(g), cpu_engine(), DNNL_MEMORY_NONE),
          add_into_keras(dnnl::reorder::primitive_desc(diff_weights, keras_dw, accumulating())) {}
};

// Every primitive of one geometry, each built the first time its pass runs.
struct ConvPrimitives {
    std::optional<Forward> forward[2][2];  // [with_bias][relu]
    std::optional<BackwardData> backward_data;
    std::optional<BackwardWeights> backward_weights[2];  // [with_bias]
    Tensor flipped_kernel;                               // for backward-data by the flipped forward
};

// Each thread keeps its own primitives, so callers need no lock; keyed by the thread count too, as oneDNN splits
// the work for the threads it sees when it creates a primitive.
ConvPrimitives& primitives_for(const ConvGeometry& g) {
    thread_local std::map<std::pair<ConvGeometry, int>, ConvPrimitives> cache;
    return cache[{g, thread_count()}];
}

// x or dy as the lowered passes read it: in bfloat16.
const Bf16Tensor& rounded(const Bf16Tensor& t, Bf16Tensor&) {
    return t;
}
const Bf16Tensor& rounded(const Tensor& t, Bf16Tensor& copy) {
    convert_to_bfloat16(t, copy);
    return copy;
}

template <class Input>
void run_forward(const ConvGeometry& g, const Input& x, const Tensor& w, const Tensor& bias, Tensor& y, bool relu) {
    if (forward_by_matmul(g)) {
        thread_local Bf16Tensor x_copy;
        conv2d_forward_by_matmul(g, rounded(x, x_copy), w, bias, y, relu);
        return;
    }
    const bool with_bias = !bias.empty();
    std::optional<Forward>& slot = primitives_for(g).forward[with_bias][relu];
    if (!slot) slot.emplace(g, forward_pd(g, with_bias, relu));
    Forward& p = *slot;
    dnnl::stream& stream = cpu_stream();
    p.weights.load(w, stream);
    p.src.load(x);
    p.dst.set_data_handle(y.data());
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, p.src.mem}, {DNNL_ARG_WEIGHTS, p.weights.chosen}, {DNNL_ARG_DST, p.dst}};
    if (with_bias) {
        p.bias.set_data_handle(const_cast<float*>(bias.data()));
        args.emplace(DNNL_ARG_BIAS, p.bias);
    }
    p.conv.execute(stream, args);
    stream.wait();
}

template <class Output>
void run_backward_data(const ConvGeometry& g, const Output& dy, const Tensor& w, Tensor& dx) {
    if (data_gradient_by_flipped_forward(g)) {
        Tensor& flipped = primitives_for(g).flipped_kernel;
        flip_kernel(g, w, flipped);
        run_forward(flipped_geometry(g), dy, flipped, Tensor(), dx, false);
        return;
    }
    std::optional<BackwardData>& slot = primitives_for(g).backward_data;
    if (!slot) slot.emplace(g, backward_data_pd(g));
    BackwardData& p = *slot;
    dnnl::stream& stream = cpu_stream();
    p.weights.load(w, stream);
    p.diff_dst.load(dy);
    p.diff_src.set_data_handle(dx.data());
    p.conv.execute(
        stream,
        {{DNNL_ARG_DIFF_DST, p.diff_dst.mem}, {DNNL_ARG_WEIGHTS, p.weights.chosen}, {DNNL_ARG_DIFF_SRC, p.diff_src}});
    stream.wait();
}

template <class Input, class Output>
void run_backward_weights(const ConvGeometry& g, const Input& x, const Output& dy, Tensor& dw, Tensor& db) {
    if (weights_gradient_by_matmul(g)) {
        thread_local Bf16Tensor x_copy, dy_copy;
        conv2d_backward_weights_by_matmul(g, rounded(x, x_copy), rounded(dy, dy_copy), dw, db);
        return;
    }
    const bool with_bias = !db.empty();
    std::optional<BackwardWeights>& slot = primitives_for(g).backward_weights[with_bias];
    if (!slot) slot.emplace(g, backward_weights_pd(g, with_bias));
    BackwardWeights& p = *slot;
    dnnl::stream& stream = cpu_stream();
    p.src.load(x);
    p.diff_dst.load(dy);
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, p.src.mem}, {DNNL_ARG_DIFF_DST, p.diff_dst.mem}, {DNNL_ARG_DIFF_WEIGHTS, p.diff_weights}};
    if (with_bias) args.emplace(DNNL_ARG_DIFF_BIAS, p.diff_bias);
    p.conv.execute(stream, args);
    p.keras_dw.set_data_handle(dw.data());
    p.add_into_keras.execute(stream, p.diff_weights, p.keras_dw);
    stream.wait();
    if (with_bias) {
        const float* bias_sums = static_cast<const float*>(p.diff_bias.get_data_handle());
        for (int64_t c = 0; c < g.out_c; ++c) db[c] += bias_sums[c];
    }
}

}  // namespace

void CpuBackend::conv2d_forward(const ConvGeometry& g, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& y,
                                bool relu) {
    check_conv_tensors("conv2d_forward", g, x, w, bias, y);
    run_forward(g, x, w, bias, y, relu);
}

void CpuBackend::conv2d_backward_data(const ConvGeometry& g, const Tensor& dy, const Tensor& w, Tensor& dx) {
    check_conv_tensors("conv2d_backward_data", g, dx, w, Tensor(), dy);
    run_backward_data(g, dy, w, dx);
}

void CpuBackend::conv2d_backward_weights(const ConvGeometry& g, const Tensor& x, const Tensor& dy, Tensor& dw,
                                         Tensor& db) {
    check_conv_tensors("conv2d_backward_weights", g, x, dw, db, dy);
    run_backward_weights(g, x, dy, dw, db);
}

void CpuBackend::conv2d_forward(const ConvGeometry& g, const Bf16Tensor& x, const Tensor& w, const Tensor& bias,
                                Tensor& y, bool relu) {
    check_conv_tensors("conv2d_forward", g, x, w, bias, y);
    run_forward(g, x, w, bias, y, relu);
}

void CpuBackend::conv2d_backward_data(const ConvGeometry& g, const Bf16Tensor& dy, const Tensor& w, Tensor& dx) {
    check_conv_tensors("conv2d_backward_data", g, dx, w, Tensor(), dy);
    run_backward_data(g, dy, w, dx);
}

void CpuBackend::conv2d_backward_weights(const ConvGeometry& g, const Bf16Tensor& x, const Bf16Tensor& dy, Tensor& dw,
                                         Tensor& db) {
    check_conv_tensors("conv2d_backward_weights", g, x, dw, db, dy);
    run_backward_weights(g, x, dy, dw, db);
}

ConvImplementations conv2d_implementations(const ConvGeometry& g) {
    check_conv_geometry("conv2d_implementations", g);
    const std::string backward_data =
        data_gradient_by_flipped_forward(g)
            ? std::string("forward of the flipped kernel: ") + forward_pd(flipped_geometry(g), false).impl_info_str()
            : std::string(backward_data_pd(g).impl_info_str());
    const std::string backward_weights = weights_gradient_by_matmul(g)
                                             ? weights_gradient_by_matmul_implementation(g)
                                             : std::string(backward_weights_pd(g, true).impl_info_str());
    const std::string forward =
        forward_by_matmul(g) ? forward_by_matmul_implementation(g) : std::string(forward_pd(g, true).impl_info_str());
    return {forward, backward_data, backward_weights};
}

}  // namespace nnlab
