// ONNX export — the model's graph: its input, the standardisation, one group of nodes per layer, its output.
#include "nnlab/io/onnx_export.hpp"

#include <onnx.pb.h>

#include "nnlab/core/atomic_write.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/version.hpp"
#include "nnlab/io/onnx/graph_builder.hpp"
#include "nnlab/io/onnx/layer_export.hpp"
#include "nnlab/io/onnx/standardisation_export.hpp"

namespace nnlab {
namespace {

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

std::string encode_onnx(const Sequential& model, const Augmenter* standardisation) {
    if (model.layers().empty()) throw Error("export: the model has no layers; build it first");
    if (standardisation != nullptr && standardisation->image_shape() != model.input_shape().without_batch()) {
        throw Error("export: the standardisation is for images of shape " + standardisation->image_shape().to_string() +
                    ", the model takes " + model.input_shape().to_string());
    }
    onnx::ModelProto proto;
    proto.set_ir_version(onnx::IR_VERSION);
    proto.set_producer_name("nnlab");
    proto.set_producer_version(version());
    onnx::OperatorSetIdProto* opset = proto.add_opset_import();
    opset->set_domain("");
    opset->set_version(onnx_opset);
    onnx::GraphProto* graph = proto.mutable_graph();
    graph->set_name(model.name());
    onnx_export::GraphBuilder g(*graph);
    add_value_info(graph->add_input(), "input", model.input_shape());
    onnx_export::Value x{"input", model.input_shape().rank(), false};
    if (standardisation != nullptr) x = onnx_export::export_standardisation(g, *standardisation, x);
    for (const auto& layer : model.layers()) x = onnx_export::export_layer(g, *layer, x);
    x = g.channels_last(x, "output");
    // The last value is renamed "output" by an Identity, so that every model has the same two names.
    onnx::NodeProto* out = graph->add_node();
    out->set_op_type("Identity");
    out->set_name("output/Identity");
    out->add_input(x.name);
    out->add_output("output");
    add_value_info(graph->add_output(), "output", model.output_shape());
    std::string bytes;
    if (!proto.SerializeToString(&bytes))
        throw Error("export: protobuf could not serialise the model", ErrorKind::failure);
    return bytes;
}

void export_onnx(const Sequential& model, const std::filesystem::path& path, const Augmenter* standardisation) {
    write_file_atomically(path, encode_onnx(model, standardisation));
}

}  // namespace nnlab
