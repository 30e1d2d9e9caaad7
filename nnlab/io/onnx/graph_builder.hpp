// GraphBuilder — an ONNX graph being written: unique value names, nodes with their attributes, float32 and int64
// initializers; and the layout of the values flowing through it (nnlab's images are channels last, ONNX's
// convolutions and pooling channels first).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace onnx {
class GraphProto;
}

namespace nnlab::onnx_export {

struct Attribute {
    std::string name;
    std::variant<int64_t, float, std::vector<int64_t>> value;
};

// A value of the graph: its name, its rank (batch included) and, for images (rank 4), whether it is held channels
// first (N, C, H, W) rather than as nnlab holds it (N, H, W, C).
struct Value {
    std::string name;
    int64_t rank = 0;
    bool channels_first = false;
};

class GraphBuilder {
public:
    explicit GraphBuilder(onnx::GraphProto& graph) : graph_(graph) {}

    // "<hint>_<n>", unique in the graph.
    std::string fresh(const std::string& hint);

    // A float32 initializer of shape `dims` holding `values` (as many as the dims give).
    std::string constant(const std::string& hint, const std::vector<int64_t>& dims, const float* values);
    std::string constant(const std::string& hint, const std::vector<int64_t>& dims, const std::vector<float>& values);
    std::string scalar(const std::string& hint, float value) { return constant(hint, {}, &value); }
    // A one-dimensional int64 initializer (shapes, pads).
    std::string int64s(const std::string& hint, const std::vector<int64_t>& values);

    // One node; returns the name of its single output.
    std::string node(const std::string& op, const std::vector<std::string>& inputs, const std::string& hint,
                     const std::vector<Attribute>& attributes = {});

    // The same image channels first or channels last (a Transpose when it is not already); other ranks unchanged.
    Value channels_first(const Value& x, const std::string& hint);
    Value channels_last(const Value& x, const std::string& hint);

private:
    onnx::GraphProto& graph_;
    int64_t counter_ = 0;
};

}  // namespace nnlab::onnx_export
