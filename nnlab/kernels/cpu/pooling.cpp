// Max and average pooling on the CPU through oneDNN's pooling primitives (NHWC in and out, no reorders),
// built once per geometry and reused. Average pooling excludes the padding, as Keras/TF do for "same".
#include <map>
#include <string>

#include <oneapi/dnnl/dnnl.hpp>

#include "nnlab/core/error.hpp"
#include "nnlab/core/threads.hpp"
#include "nnlab/kernels/cpu/dnnl_context.hpp"
#include "nnlab/kernels/pooling.hpp"

#include "nnlab/kernels/cpu/cpu_backend.hpp"

namespace nnlab {
namespace {

using dnnl::memory;

enum class PoolPass { forward_training, forward_inference, backward };

struct PoolKey {
    PoolGeometry geometry;
    bool max;
    PoolPass pass;
    bool bfloat16 = false;  // the data (both tensors) in bfloat16; float32 otherwise
    auto operator<=>(const PoolKey&) const = default;
};

struct PoolPrimitive {
    dnnl::primitive primitive;
    memory src, dst, workspace;  // src/dst are diff_src/diff_dst for the backward pass
    size_t workspace_bytes = 0;
    std::string implementation;  // oneDNN's name for the code it chose ("jit:avx512_core", …)
};

memory::desc nhwc(int64_t n, int64_t h, int64_t w, int64_t c, bool bfloat16) {
    return memory::desc({n, c, h, w}, bfloat16 ? memory::data_type::bf16 : memory::data_type::f32,
                        memory::format_tag::nhwc);
}

PoolPrimitive make_pool(const PoolKey& key) {
    const PoolGeometry& g = key.geometry;
    const dnnl::engine& engine = cpu_engine();
    const memory::desc src_md = nhwc(g.batch, g.in_h, g.in_w, g.channels, key.bfloat16);
    const memory::desc dst_md = nhwc(g.batch, g.out_h, g.out_w, g.channels, key.bfloat16);
    const memory::dims strides{g.stride_h, g.stride_w}, kernel{g.pool_h, g.pool_w};
    const memory::dims pad_l{g.pad_top, g.pad_left}, pad_r{g.pad_bottom, g.pad_right};
    const dnnl::algorithm algorithm =
        key.max ? dnnl::algorithm::pooling_max : dnnl::algorithm::pooling_avg_exclude_padding;
    const dnnl::prop_kind prop = key.pass == PoolPass::forward_inference ? dnnl::prop_kind::forward_inference
                                                                         : dnnl::prop_kind::forward_training;
    const dnnl::pooling_forward::primitive_desc forward_pd(
        dnnl::pooling_forward::desc(prop, algorithm, src_md, dst_md, strides, kernel, pad_l, pad_r), engine);
    PoolPrimitive p;
    const memory::desc workspace_md = forward_pd.workspace_desc();
    p.workspace_bytes = workspace_md.get_size();
    if (p.workspace_bytes > 0) p.workspace = memory(workspace_md, engine, DNNL_MEMORY_NONE);
    p.src = memory(src_md, engine, DNNL_MEMORY_NONE);
    p.dst = memory(dst_md, engine, DNNL_MEMORY_NONE);
    if (key.pass == PoolPass::backward) {
        const dnnl::pooling_backward::primitive_desc backward_pd(
            dnnl::pooling_backward::desc(algorithm, src_md, dst_md, strides, kernel, pad_l, pad_r), engine, forward_pd);
        p.primitive = dnnl::pooling_backward(backward_pd);
        p.implementation = backward_pd.impl_info_str();
    } else {
        p.primitive = dnnl::pooling_forward(forward_pd);
        p.implementation = forward_pd.impl_info_str();
    }
    return p;
}

// Each thread keeps its own primitives, so callers need no lock; keyed by the thread count too, as oneDNN splits
// the work for the threads it sees when it creates a primitive.
PoolPrimitive& cached_pool(const PoolKey& key) {
    thread_local std::map<std::pair<PoolKey, int>, PoolPrimitive> cache;
    auto it = cache.find({key, thread_count()});
    if (it == cache.end()) it = cache.emplace(std::pair{key, thread_count()}, make_pool(key)).first;
    return it->second;
}

void run(PoolPrimitive& p, int src_arg, int dst_arg, bool with_workspace) {
    dnnl::stream& stream = cpu_stream();
    if (with_workspace) {
        p.primitive.execute(stream, {{src_arg, p.src}, {dst_arg, p.dst}, {DNNL_ARG_WORKSPACE, p.workspace}});
    } else {
        p.primitive.execute(stream, {{src_arg, p.src}, {dst_arg, p.dst}});
    }
    stream.wait();
}

}  // namespace

std::string pooling_implementation(const PoolGeometry& g, bool max, bool backward, bool bfloat16) {
    return cached_pool({g, max, backward ? PoolPass::backward : PoolPass::forward_training, bfloat16}).implementation;
}

void CpuBackend::max_pool_forward(const PoolGeometry& g, const Tensor& x, Tensor& y, MaxPoolWorkspace* workspace) {
    check_pool("max_pool_forward", g, x, y);
    PoolPrimitive& p = cached_pool({g, true, workspace ? PoolPass::forward_training : PoolPass::forward_inference});
    p.src.set_data_handle(const_cast<float*>(x.data()));
    p.dst.set_data_handle(y.data());
    if (workspace) {
        workspace->bytes.resize(p.workspace_bytes);
        p.workspace.set_data_handle(workspace->bytes.data());
    }
    run(p, DNNL_ARG_SRC, DNNL_ARG_DST, workspace != nullptr);
}

void CpuBackend::max_pool_backward(const PoolGeometry& g, const Tensor& dy, const MaxPoolWorkspace& workspace,
                                   Tensor& dx) {
    check_pool("max_pool_backward", g, dx, dy);
    PoolPrimitive& p = cached_pool({g, true, PoolPass::backward});
    if (workspace.bytes.size() != p.workspace_bytes) {
        throw Error("max_pool_backward: the workspace does not come from this geometry's forward pass",
                    ErrorKind::failure);
    }
    p.src.set_data_handle(dx.data());
    p.dst.set_data_handle(const_cast<float*>(dy.data()));
    p.workspace.set_data_handle(const_cast<std::byte*>(workspace.bytes.data()));
    run(p, DNNL_ARG_DIFF_SRC, DNNL_ARG_DIFF_DST, true);
}

// oneDNN's workspace holds where in its window each maximum was, whatever the data's type: the float32 forward's
// serves the bfloat16 backward (the sizes are checked, and the parity tests compare the two backwards).
void CpuBackend::max_pool_backward(const PoolGeometry& g, const Bf16Tensor& dy, const MaxPoolWorkspace& workspace,
                                   Bf16Tensor& dx) {
    check_pool("max_pool_backward", g, dx.shape(), dy.shape());
    check_disjoint_windows("max_pool_backward", g);
    PoolPrimitive& p = cached_pool({g, true, PoolPass::backward, true});
    if (workspace.bytes.size() != p.workspace_bytes) {
        throw Error("max_pool_backward: the workspace does not come from this geometry's forward pass",
                    ErrorKind::failure);
    }
    p.src.set_data_handle(dx.data());
    p.dst.set_data_handle(const_cast<uint16_t*>(dy.data()));
    p.workspace.set_data_handle(const_cast<std::byte*>(workspace.bytes.data()));
    run(p, DNNL_ARG_DIFF_SRC, DNNL_ARG_DIFF_DST, true);
}

void CpuBackend::avg_pool_forward(const PoolGeometry& g, const Tensor& x, Tensor& y) {
    check_pool("avg_pool_forward", g, x, y);
    // Average pooling keeps nothing for backward, so the inference primitive serves training too.
    PoolPrimitive& p = cached_pool({g, false, PoolPass::forward_inference});
    p.src.set_data_handle(const_cast<float*>(x.data()));
    p.dst.set_data_handle(y.data());
    run(p, DNNL_ARG_SRC, DNNL_ARG_DST, false);
}

void CpuBackend::avg_pool_backward(const PoolGeometry& g, const Tensor& dy, Tensor& dx) {
    check_pool("avg_pool_backward", g, dx, dy);
    PoolPrimitive& p = cached_pool({g, false, PoolPass::backward});
    p.src.set_data_handle(dx.data());
    p.dst.set_data_handle(const_cast<float*>(dy.data()));
    run(p, DNNL_ARG_DIFF_SRC, DNNL_ARG_DIFF_DST, false);
}

}  // namespace nnlab
