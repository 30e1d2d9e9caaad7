// ONNX export — layers as ONNX nodes, weights as initializers, through the protobuf classes protoc made from
// onnx.proto.
#include "nnlab/io/onnx_export.hpp"

#include <onnx.pb.h>

#include <cmath>
#include <numbers>

#include "nnlab/core/atomic_write.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/version.hpp"

namespace nnlab {
namespace {

// The graph being built: unique value names, nodes, initializers.
class GraphBuilder {
public:
    explicit GraphBuilder(onnx::GraphProto& graph) : graph_(graph) {}

    std::string fresh(const std::string& hint) { return hint + "_" + std::to_string(counter_++); }

    // A float32 initializer holding `values` with shape `dims`.
    std::string constant(const std::string& hint, const std::vector<int64_t>& dims, const float* values,
                         int64_t count) {
        onnx::TensorProto* tensor = graph_.add_initializer();
        const std::string name = fresh(hint);
        tensor->set_name(name);
        tensor->set_data_type(onnx::TensorProto::FLOAT);
        for (int64_t d : dims) tensor->add_dims(d);
        tensor->set_raw_data(std::string(reinterpret_cast<const char*>(values), static_cast<size_t>(count) * 4));
        return name;
    }
    std::string scalar(const std::string& hint, float value) { return constant(hint, {}, &value, 1); }
    std::string int64s(const std::string& hint, const std::vector<int64_t>& values) {
        onnx::TensorProto* tensor = graph_.add_initializer();
        const std::string name = fresh(hint);
        tensor->set_name(name);
        tensor->set_data_type(onnx::TensorProto::INT64);
        tensor->add_dims(static_cast<int64_t>(values.size()));
        tensor->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * 8));
        return name;
    }

    // One node; returns its (single) output's name.
    std::string node(const std::string& op, const std::vector<std::string>& inputs, const std::string& hint,
                     const std::vector<std::pair<std::string, int64_t>>& int_attributes = {},
                     const std::vector<std::pair<std::string, float>>& float_attributes = {}) {
        onnx::NodeProto* n = graph_.add_node();
        n->set_op_type(op);
        n->set_name(fresh(hint + "/" + op));
        for (const std::string& input : inputs) n->add_input(input);
        const std::string output = fresh(hint);
        n->add_output(output);
        for (const auto& [name, value] : int_attributes) {
            onnx::AttributeProto* a = n->add_attribute();
            a->set_name(name);
            a->set_type(onnx::AttributeProto::INT);
            a->set_i(value);
        }
        for (const auto& [name, value] : float_attributes) {
            onnx::AttributeProto* a = n->add_attribute();
            a->set_name(name);
            a->set_type(onnx::AttributeProto::FLOAT);
            a->set_f(value);
        }
        return output;
    }

private:
    onnx::GraphProto& graph_;
    int counter_ = 0;
};

const Param& param_named(Layer& layer, const std::string& name) {
    for (const Param* p : layer.params())
        if (p->name == name) return *p;
    throw Error("export: layer " + layer.name() + " (" + layer.type() + ") has no weight " + name, ErrorKind::failure);
}

// y = activation(x), the way nnlab computes it (leaky_relu's slope 0.2, exact GELU).
std::string activation(GraphBuilder& g, const std::string& name, const std::string& x, const std::string& hint) {
    if (name == "linear") return x;
    if (name == "relu") return g.node("Relu", {x}, hint);
    if (name == "tanh") return g.node("Tanh", {x}, hint);
    if (name == "sigmoid") return g.node("Sigmoid", {x}, hint);
    if (name == "softmax") return g.node("Softmax", {x}, hint, {{"axis", -1}});
    if (name == "leaky_relu") return g.node("LeakyRelu", {x}, hint, {}, {{"alpha", 0.2f}});
    if (name == "elu") return g.node("Elu", {x}, hint, {}, {{"alpha", 1.0f}});
    if (name == "softplus") return g.node("Softplus", {x}, hint);
    if (name == "swish" || name == "silu") return g.node("Mul", {x, g.node("Sigmoid", {x}, hint)}, hint);
    if (name == "gelu") {  // x · ½ · (1 + erf(x / √2)): opset 17 has no Gelu
        const std::string scaled =
            g.node("Mul", {x, g.scalar("inv_sqrt2", static_cast<float>(1 / std::numbers::sqrt2))}, hint);
        const std::string one_plus = g.node("Add", {g.node("Erf", {scaled}, hint), g.scalar("one", 1.0f)}, hint);
        return g.node("Mul", {g.node("Mul", {x, one_plus}, hint), g.scalar("half", 0.5f)}, hint);
    }
    throw Error("export: the activation \"" + name + "\" has no ONNX form here");
}

std::string export_layer(GraphBuilder& g, Layer& layer, const std::string& x) {
    const std::string type = layer.type();
    const nlohmann::json config = layer.config();
    const std::string hint = layer.name();
    if (type == "Dense") {
        const Param& kernel = param_named(layer, "kernel");
        std::vector<std::string> inputs{
            x, g.constant(hint + "/kernel", kernel.shape.dims(), kernel.value.data(), kernel.value.numel())};
        for (const Param* p : layer.params()) {
            if (p->name == "bias")
                inputs.push_back(g.constant(hint + "/bias", p->shape.dims(), p->value.data(), p->value.numel()));
        }
        return activation(g, config.at("activation").get<std::string>(), g.node("Gemm", inputs, hint), hint);
    }
    if (type == "Activation") return activation(g, config.at("activation").get<std::string>(), x, hint);
    if (type == "Dropout") return x;  // inference: the identity
    if (type == "Flatten") return g.node("Flatten", {x}, hint, {{"axis", 1}});
    if (type == "Reshape") {
        std::vector<int64_t> shape{0};  // 0: the batch dimension as it is
        for (const auto& d : config.at("target_shape")) shape.push_back(d.get<int64_t>());
        return g.node("Reshape", {x, g.int64s(hint + "/shape", shape)}, hint);
    }
    if (type == "Rescaling") {
        const std::string scaled =
            g.node("Mul", {x, g.scalar(hint + "/scale", static_cast<float>(config.at("scale").get<double>()))}, hint);
        return g.node(
            "Add", {scaled, g.scalar(hint + "/offset", static_cast<float>(config.at("offset").get<double>()))}, hint);
    }
    if (type == "Normalization") {  // (x − mean) · 1 / max(√variance, ε), as the layer computes it
        const Param& mean = param_named(layer, "mean");
        const Param& variance = param_named(layer, "variance");
        std::vector<float> inverse(static_cast<size_t>(variance.value.numel()));
        for (int64_t c = 0; c < variance.value.numel(); ++c) {
            const double deviation = std::max(std::sqrt(std::max<double>(variance.value[c], 0.0)), 1e-7);
            inverse[static_cast<size_t>(c)] = static_cast<float>(1.0 / deviation);
        }
        const std::string centred = g.node(
            "Sub", {x, g.constant(hint + "/mean", mean.shape.dims(), mean.value.data(), mean.value.numel())}, hint);
        return g.node("Mul",
                      {centred, g.constant(hint + "/inverse_std", variance.shape.dims(), inverse.data(),
                                           static_cast<int64_t>(inverse.size()))},
                      hint);
    }
    throw Error("export: layer " + layer.name() + " (" + type +
                ") cannot be exported to ONNX yet; exported so far: Dense, Activation, Dropout, Flatten, Reshape, "
                "Rescaling, Normalization");
}

void add_value_info(onnx::ValueInfoProto* info, const std::string& name, const Shape& shape) {
    info->set_name(name);
    onnx::TypeProto_Tensor* tensor = info->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    onnx::TensorShapeProto* dims = tensor->mutable_shape();
    dims->add_dim()->set_dim_param("batch");
    const Shape sample = shape.without_batch();  // kept: a range-for over a temporary's dims() would dangle
    for (int64_t d : sample.dims()) dims->add_dim()->set_dim_value(d);
}

}  // namespace

std::string encode_onnx(const Sequential& model) {
    if (model.layers().empty()) throw Error("export: the model has no layers; build it first");
    onnx::ModelProto proto;
    proto.set_ir_version(onnx::IR_VERSION);
    proto.set_producer_name("nnlab");
    proto.set_producer_version(version());
    onnx::OperatorSetIdProto* opset = proto.add_opset_import();
    opset->set_domain("");
    opset->set_version(onnx_opset);
    onnx::GraphProto* graph = proto.mutable_graph();
    graph->set_name(model.name());
    GraphBuilder g(*graph);
    add_value_info(graph->add_input(), "input", model.input_shape());
    std::string x = "input";
    for (const auto& layer : model.layers()) x = export_layer(g, *layer, x);
    // The last value is renamed "output" by an Identity, so that every model has the same two names.
    onnx::NodeProto* out = graph->add_node();
    out->set_op_type("Identity");
    out->set_name("output/Identity");
    out->add_input(x);
    out->add_output("output");
    add_value_info(graph->add_output(), "output", model.output_shape());
    std::string bytes;
    if (!proto.SerializeToString(&bytes))
        throw Error("export: protobuf could not serialise the model", ErrorKind::failure);
    return bytes;
}

void export_onnx(const Sequential& model, const std::filesystem::path& path) {
    write_file_atomically(path, encode_onnx(model));
}

}  // namespace nnlab
