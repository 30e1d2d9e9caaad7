// GraphBuilder — nodes and initializers through the protobuf classes protoc made from onnx.proto.
#include "nnlab/io/onnx/graph_builder.hpp"

#include <onnx.pb.h>

#include <numeric>

#include "nnlab/core/error.hpp"

namespace nnlab::onnx_export {

std::string GraphBuilder::fresh(const std::string& hint) {
    return hint + "_" + std::to_string(counter_++);
}

std::string GraphBuilder::constant(const std::string& hint, const std::vector<int64_t>& dims, const float* values) {
    const int64_t count = std::accumulate(dims.begin(), dims.end(), int64_t{1}, std::multiplies<>());
    onnx::TensorProto* tensor = graph_.add_initializer();
    const std::string name = fresh(hint);
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) tensor->add_dims(d);
    // ONNX's raw_data is little-endian, as this machine's floats are.
    tensor->set_raw_data(std::string(reinterpret_cast<const char*>(values), static_cast<size_t>(count) * 4));
    return name;
}

std::string GraphBuilder::constant(const std::string& hint, const std::vector<int64_t>& dims,
                                   const std::vector<float>& values) {
    const int64_t count = std::accumulate(dims.begin(), dims.end(), int64_t{1}, std::multiplies<>());
    if (count != static_cast<int64_t>(values.size()))
        throw Error("export: " + hint + " holds " + std::to_string(values.size()) + " values for " +
                        std::to_string(count) + " places",
                    ErrorKind::failure);
    return constant(hint, dims, values.data());
}

std::string GraphBuilder::int64s(const std::string& hint, const std::vector<int64_t>& values) {
    onnx::TensorProto* tensor = graph_.add_initializer();
    const std::string name = fresh(hint);
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::INT64);
    tensor->add_dims(static_cast<int64_t>(values.size()));
    tensor->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * 8));
    return name;
}

std::string GraphBuilder::node(const std::string& op, const std::vector<std::string>& inputs, const std::string& hint,
                               const std::vector<Attribute>& attributes) {
    onnx::NodeProto* n = graph_.add_node();
    n->set_op_type(op);
    n->set_name(fresh(hint + "/" + op));
    for (const std::string& input : inputs) n->add_input(input);
    const std::string output = fresh(hint);
    n->add_output(output);
    for (const Attribute& attribute : attributes) {
        onnx::AttributeProto* a = n->add_attribute();
        a->set_name(attribute.name);
        if (const auto* i = std::get_if<int64_t>(&attribute.value)) {
            a->set_type(onnx::AttributeProto::INT);
            a->set_i(*i);
        } else if (const auto* f = std::get_if<float>(&attribute.value)) {
            a->set_type(onnx::AttributeProto::FLOAT);
            a->set_f(*f);
        } else {
            a->set_type(onnx::AttributeProto::INTS);
            for (int64_t v : std::get<std::vector<int64_t>>(attribute.value)) a->add_ints(v);
        }
    }
    return output;
}

Value GraphBuilder::channels_first(const Value& x, const std::string& hint) {
    if (x.rank != 4 || x.channels_first) return x;
    return {node("Transpose", {x.name}, hint, {{"perm", std::vector<int64_t>{0, 3, 1, 2}}}), 4, true};
}

Value GraphBuilder::channels_last(const Value& x, const std::string& hint) {
    if (x.rank != 4 || !x.channels_first) return x;
    return {node("Transpose", {x.name}, hint, {{"perm", std::vector<int64_t>{0, 2, 3, 1}}}), 4, false};
}

}  // namespace nnlab::onnx_export
