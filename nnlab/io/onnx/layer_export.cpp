// Each layer as ONNX nodes. Keras's "same" padding becomes explicit (possibly uneven) pads from the geometry the
// layer built, so that ONNX needs no padding rule of its own.
#include "nnlab/io/onnx/layer_export.hpp"

#include <cmath>
#include <numbers>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/batch_normalization.hpp"
#include "nnlab/layers/conv2d.hpp"
#include "nnlab/layers/depthwise_conv2d.hpp"
#include "nnlab/layers/global_pooling2d.hpp"
#include "nnlab/layers/normalization.hpp"
#include "nnlab/layers/patch_whitening.hpp"
#include "nnlab/layers/pooling2d.hpp"
#include "nnlab/layers/residual.hpp"
#include "nnlab/layers/zero_padding2d.hpp"

namespace nnlab::onnx_export {
namespace {

using Ints = std::vector<int64_t>;

// The layer's weight `name`; inside a Residual block it is called "<sub-layer>/<name>".
const Param* find_param(Layer& layer, const std::string& name) {
    const std::string in_block = "/" + name;
    for (const Param* p : layer.params()) {
        if (p->name == name || p->name.ends_with(in_block)) return p;
    }
    return nullptr;
}

const Param& param_named(Layer& layer, const std::string& name) {
    if (const Param* p = find_param(layer, name)) return *p;
    throw Error("export: layer " + layer.name() + " (" + layer.type() + ") has no weight " + name, ErrorKind::failure);
}

std::string constant_of(GraphBuilder& g, const std::string& hint, const Param& p) {
    return g.constant(hint, p.shape.dims(), p.value.data());
}

// y = activation(x), the way nnlab computes it (leaky_relu's slope 0.2, exact GELU).
Value activation(GraphBuilder& g, const std::string& name, const Value& x, const std::string& hint) {
    const auto same_layout = [&](const std::string& y) { return Value{y, x.rank, x.channels_first}; };
    if (name == "linear") return x;
    if (name == "relu") return same_layout(g.node("Relu", {x.name}, hint));
    if (name == "tanh") return same_layout(g.node("Tanh", {x.name}, hint));
    if (name == "sigmoid") return same_layout(g.node("Sigmoid", {x.name}, hint));
    if (name == "softmax") {  // over the last axis of nnlab's layout: the channels of an image
        const Value last = g.channels_last(x, hint);
        return {g.node("Softmax", {last.name}, hint, {{"axis", int64_t{-1}}}), last.rank, false};
    }
    if (name == "leaky_relu") return same_layout(g.node("LeakyRelu", {x.name}, hint, {{"alpha", 0.2f}}));
    if (name == "elu") return same_layout(g.node("Elu", {x.name}, hint, {{"alpha", 1.0f}}));
    if (name == "softplus") return same_layout(g.node("Softplus", {x.name}, hint));
    if (name == "swish" || name == "silu")
        return same_layout(g.node("Mul", {x.name, g.node("Sigmoid", {x.name}, hint)}, hint));
    if (name == "gelu") {  // x · ½ · (1 + erf(x / √2)): opset 17 has no Gelu
        const std::string scaled =
            g.node("Mul", {x.name, g.scalar("inv_sqrt2", static_cast<float>(1 / std::numbers::sqrt2))}, hint);
        const std::string one_plus = g.node("Add", {g.node("Erf", {scaled}, hint), g.scalar("one", 1.0f)}, hint);
        return same_layout(g.node("Mul", {g.node("Mul", {x.name, one_plus}, hint), g.scalar("half", 0.5f)}, hint));
    }
    throw Error("export: the activation \"" + name + "\" has no ONNX form here");
}

// A convolution of nnlab's kernel (kh, kw, in_c / groups, out_c), as ONNX's Conv with weights (out_c, in_c / groups,
// kh, kw); depthwise kernels (kh, kw, in_c, multiplier) are the groups = in_c case, output channel c·multiplier + m.
Value convolution(GraphBuilder& g, const Value& x, const ConvGeometry& geometry, const Param& kernel, const Param* bias,
                  const std::string& activation_name, const std::string& hint) {
    const int64_t kh = geometry.kernel_h, kw = geometry.kernel_w;
    const int64_t in_per_group = geometry.in_c / geometry.groups, out = geometry.out_c;
    if (kernel.value.numel() != kh * kw * in_per_group * out)
        throw Error("export: " + hint + "'s kernel does not fit its geometry", ErrorKind::failure);
    std::vector<float> weights(static_cast<size_t>(kernel.value.numel()));
    for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j)
            for (int64_t c = 0; c < in_per_group; ++c)
                for (int64_t o = 0; o < out; ++o)
                    weights[static_cast<size_t>(((o * in_per_group + c) * kh + i) * kw + j)] =
                        kernel.value[((i * kw + j) * in_per_group + c) * out + o];
    const Value input = g.channels_first(x, hint);
    std::vector<std::string> inputs{input.name, g.constant(hint + "/kernel", {out, in_per_group, kh, kw}, weights)};
    if (bias != nullptr) inputs.push_back(constant_of(g, hint + "/bias", *bias));
    const std::string y =
        g.node("Conv", inputs, hint,
               {{"kernel_shape", Ints{kh, kw}},
                {"strides", Ints{geometry.stride_h, geometry.stride_w}},
                {"dilations", Ints{geometry.dilation_h, geometry.dilation_w}},
                {"pads", Ints{geometry.pad_top, geometry.pad_left, geometry.pad_bottom, geometry.pad_right}},
                {"group", geometry.groups}});
    return activation(g, activation_name, {y, 4, true}, hint);
}

Value pooling(GraphBuilder& g, const std::string& op, const Value& x, const PoolGeometry& w, const std::string& hint) {
    const Value input = g.channels_first(x, hint);
    // AveragePool's default count_include_pad = 0 averages only the inputs a window covers, as Keras/TF do.
    return {g.node(op, {input.name}, hint,
                   {{"kernel_shape", Ints{w.pool_h, w.pool_w}},
                    {"strides", Ints{w.stride_h, w.stride_w}},
                    {"pads", Ints{w.pad_top, w.pad_left, w.pad_bottom, w.pad_right}}}),
            4, true};
}

// Inference batch norm over the last axis of nnlab's layout, by ONNX's BatchNormalization (channels on axis 1).
Value batch_normalization(GraphBuilder& g, BatchNormalization& layer, const Value& x, const std::string& hint) {
    const BatchNormalizationOptions& options = layer.options();
    const int64_t channels = layer.moving_mean().value.numel();
    const std::vector<float> ones(static_cast<size_t>(channels), 1.0f), zeros(static_cast<size_t>(channels), 0.0f);
    const std::string scale =
        options.scale ? constant_of(g, hint + "/gamma", layer.gamma()) : g.constant(hint + "/gamma", {channels}, ones);
    const std::string shift =
        options.center ? constant_of(g, hint + "/beta", layer.beta()) : g.constant(hint + "/beta", {channels}, zeros);
    const auto normalise = [&](const std::string& input) {
        return g.node("BatchNormalization",
                      {input, scale, shift, constant_of(g, hint + "/moving_mean", layer.moving_mean()),
                       constant_of(g, hint + "/moving_variance", layer.moving_variance())},
                      hint, {{"epsilon", static_cast<float>(options.epsilon)}});
    };
    if (x.rank == 2) return {normalise(x.name), 2, false};
    if (x.rank == 4) return {normalise(g.channels_first(x, hint).name), 4, true};
    // (N, d1, …, C): the channels to axis 1 and back.
    Ints forward{0, x.rank - 1}, back{0};
    for (int64_t a = 1; a < x.rank - 1; ++a) forward.push_back(a);
    for (int64_t a = 2; a < x.rank; ++a) back.push_back(a);
    back.push_back(1);
    const std::string moved = g.node("Transpose", {x.name}, hint, {{"perm", forward}});
    return {g.node("Transpose", {normalise(moved)}, hint, {{"perm", back}}), x.rank, false};
}

Value zero_padding(GraphBuilder& g, const ZeroPadding2D& layer, const Value& x, const std::string& hint) {
    const auto& [rows, columns] = layer.padding();
    const Ints pads = x.channels_first ? Ints{0, 0, rows[0], columns[0], 0, 0, rows[1], columns[1]}
                                       : Ints{0, rows[0], columns[0], 0, 0, rows[1], columns[1], 0};
    return {g.node("Pad", {x.name, g.int64s(hint + "/pads", pads)}, hint), 4, x.channels_first};
}

Value branch(GraphBuilder& g, const LayerList& layers, Value x) {
    for (const auto& layer : layers) x = export_layer(g, *layer, x);
    return x;
}

Value residual(GraphBuilder& g, Residual& block, const Value& x, const std::string& hint) {
    const Value main = branch(g, block.main_layers(), x);
    Value shortcut = branch(g, block.shortcut_layers(), x);
    shortcut = main.channels_first ? g.channels_first(shortcut, hint) : g.channels_last(shortcut, hint);
    const Value sum{g.node("Add", {main.name, shortcut.name}, hint), main.rank, main.channels_first};
    return activation(g, block.config().at("activation").get<std::string>(), sum, hint);
}

Value dense(GraphBuilder& g, Layer& layer, const Value& x, const std::string& hint) {
    std::vector<std::string> inputs{x.name, constant_of(g, hint + "/kernel", param_named(layer, "kernel"))};
    if (const Param* bias = find_param(layer, "bias")) inputs.push_back(constant_of(g, hint + "/bias", *bias));
    return activation(g, layer.config().at("activation").get<std::string>(), {g.node("Gemm", inputs, hint), 2, false},
                      hint);
}

Value normalization(GraphBuilder& g, Normalization& layer, const Value& x, const std::string& hint) {
    const Value last = g.channels_last(x, hint);  // (x − mean) · 1 / max(√variance, ε) over the last axis
    const std::string centred = g.node("Sub", {last.name, constant_of(g, hint + "/mean", layer.mean())}, hint);
    const std::vector<float> inverse = layer.inverse_deviations();
    return {g.node("Mul", {centred, g.constant(hint + "/inverse_std", {static_cast<int64_t>(inverse.size())}, inverse)},
                   hint),
            last.rank, false};
}

}  // namespace

Value export_layer(GraphBuilder& g, Layer& layer, const Value& x) {
    const std::string type = layer.type();
    const std::string hint = layer.name();
    if (type == "Dense") return dense(g, layer, x, hint);
    if (type == "Activation") return activation(g, layer.config().at("activation").get<std::string>(), x, hint);
    if (type == "Dropout") return x;  // inference: the identity
    if (type == "Flatten") {          // in nnlab's (Keras's) order: channels last
        const Value last = g.channels_last(x, hint);
        return {g.node("Flatten", {last.name}, hint, {{"axis", int64_t{1}}}), 2, false};
    }
    if (type == "Reshape") {
        const nlohmann::json config = layer.config();  // kept: a range-for over a temporary's member would dangle
        Ints shape{0};                                 // 0: the batch dimension as it is
        for (const auto& d : config.at("target_shape")) shape.push_back(d.get<int64_t>());
        const Value last = g.channels_last(x, hint);
        return {g.node("Reshape", {last.name, g.int64s(hint + "/shape", shape)}, hint),
                static_cast<int64_t>(shape.size()), false};
    }
    if (type == "Rescaling") {
        const nlohmann::json config = layer.config();
        const std::string scaled = g.node(
            "Mul", {x.name, g.scalar(hint + "/scale", static_cast<float>(config.at("scale").get<double>()))}, hint);
        return {
            g.node("Add", {scaled, g.scalar(hint + "/offset", static_cast<float>(config.at("offset").get<double>()))},
                   hint),
            x.rank, x.channels_first};
    }
    if (type == "Normalization") return normalization(g, dynamic_cast<Normalization&>(layer), x, hint);
    if (type == "Conv2D") {
        auto& conv = dynamic_cast<Conv2D&>(layer);
        return convolution(g, x, conv.geometry(), conv.kernel(), find_param(layer, "bias"),
                           layer.config().at("activation").get<std::string>(), hint);
    }
    if (type == "DepthwiseConv2D") {
        auto& conv = dynamic_cast<DepthwiseConv2D&>(layer);
        return convolution(g, x, conv.geometry(), conv.depthwise_kernel(), find_param(layer, "bias"),
                           layer.config().at("activation").get<std::string>(), hint);
    }
    if (type == "PatchWhitening") {  // a frozen convolution: the same node
        auto& whitening = dynamic_cast<PatchWhitening&>(layer);
        return convolution(g, x, whitening.convolution().geometry(), whitening.kernel(), find_param(layer, "bias"),
                           whitening.options().activation, hint);
    }
    if (type == "MaxPooling2D" || type == "AveragePooling2D") {
        return pooling(g, type == "MaxPooling2D" ? "MaxPool" : "AveragePool", x,
                       dynamic_cast<Pooling2D&>(layer).geometry(0), hint);
    }
    if (type == "GlobalMaxPooling2D" || type == "GlobalAveragePooling2D") {
        const Value input = g.channels_first(x, hint);
        const Value pooled{
            g.node(type == "GlobalMaxPooling2D" ? "GlobalMaxPool" : "GlobalAveragePool", {input.name}, hint), 4, true};
        if (dynamic_cast<GlobalPooling2D&>(layer).keepdims()) return pooled;
        return {g.node("Flatten", {pooled.name}, hint, {{"axis", int64_t{1}}}), 2, false};  // (N, C, 1, 1) → (N, C)
    }
    if (type == "BatchNormalization") return batch_normalization(g, dynamic_cast<BatchNormalization&>(layer), x, hint);
    if (type == "ZeroPadding2D") return zero_padding(g, dynamic_cast<ZeroPadding2D&>(layer), x, hint);
    if (type == "Residual") return residual(g, dynamic_cast<Residual&>(layer), x, hint);
    throw Error("export: layer " + layer.name() + " (" + type +
                ") has no ONNX form: ONNX export knows nnlab's own layer types (Dense, Conv2D, DepthwiseConv2D, "
                "PatchWhitening, pooling, BatchNormalization, ZeroPadding2D, Residual, Activation, Dropout, Flatten, "
                "Reshape, Rescaling, Normalization), not a program's own");
}

}  // namespace nnlab::onnx_export
