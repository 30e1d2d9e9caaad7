// Residual — a block whose output is activation(main(x) + shortcut(x)), the shortcut being the identity unless
// given: what Keras builds with the functional API and layers.Add() in every ResNet. A container, so that a
// Sequential stays a straight line and ResNet-style models need no graph.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "nnlab/layers/fused_activation.hpp"
#include "nnlab/layers/layer.hpp"

namespace nnlab {

using LayerList = std::vector<std::unique_ptr<Layer>>;

class Residual final : public Layer {
public:
    // `main` must not be empty; an empty `shortcut` is the identity. Sub-layers without a name get Keras-style ones
    // unique within the block (conv2d, conv2d_1, …); their parameters are named "<sub-layer>/<param>".
    explicit Residual(LayerList main, LayerList shortcut = {}, std::string_view activation = "linear");

    std::string type() const override { return "Residual"; }
    // Builds both branches on the input; their output shapes must agree (else an Error naming both).
    Shape build(const Shape& input) override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;
    std::vector<Param*> params() override;
    void seed_randomness(uint64_t run_seed) override;
    std::vector<Rng*> random_streams() override;
    void set_batch_shard(const BatchShard& shard) override;
    void forward_without_rows(Mode mode) override;  // the main branch, then the shortcut, as forward
    void backward_without_rows() override;          // the main branch, then the shortcut, each last layer first
    void set_precision(Precision precision) override;
    void set_trainable(bool trainable) override;  // the whole block, as Keras sets it on every sub-layer
    // Each branch fuses its neighbours as a model does (batch norm + activation): the fused layer is skipped and
    // shares the output of the one before.
    void fuse_within() override;
    void unfuse() override;
    // {"layers": [specs], "shortcut": [specs] (when not the identity), "activation"}
    nlohmann::json config() const override;

    const LayerList& main_layers() const { return main_.layers; }
    const LayerList& shortcut_layers() const { return shortcut_.layers; }

private:
    // One branch: its layers, their output shapes (batch None) and buffers sized for the largest batch seen.
    struct Branch {
        LayerList layers;  // held here, not pointed to: a block moved into a model keeps working
        std::vector<Shape> shapes;
        std::vector<bool> fused;      // per layer: the one before does its work (fuse_within); empty: none
        std::vector<Tensor> outputs;  // none for a fused layer
        std::vector<Tensor> grads;    // the gradient of each output but the last; none where the next layer is fused
        bool is_fused(size_t i) const { return i < fused.size() && fused[i]; }
    };
    Shape build_branch(Branch& branch, const Shape& input);
    void ensure_buffers(int64_t rows);
    // Runs a branch forward on x; returns a view of its last output.
    Tensor forward_branch(Branch& branch, const Tensor& x, Mode mode, int64_t rows);
    // Runs a branch backward from dy (the gradient of its last output), writing dL/dx into dx.
    void backward_branch(Branch& branch, const Tensor& dy, Tensor& dx, int64_t rows);

    Branch main_;
    Branch shortcut_;
    FusedActivation activation_;
    Shape input_shape_;
    int64_t buffer_rows_ = 0;
    Tensor shortcut_dx_;  // dL/dx through the shortcut, added to the main branch's
};

}  // namespace nnlab
