// Residual — activation(main(x) + shortcut(x)), a container of two layer chains.
#include "nnlab/layers/residual.hpp"

#include <algorithm>

#include "nnlab/core/error.hpp"
#include "nnlab/core/rng.hpp"
#include "nnlab/layers/activation.hpp"
#include "nnlab/layers/layer_names.hpp"
#include "nnlab/layers/registry.hpp"

namespace nnlab {
namespace {

nlohmann::json specs(const LayerList& layers) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& layer : layers) list.push_back(layer_description(*layer));
    return list;
}

}  // namespace

Residual::Residual(LayerList main, LayerList shortcut, std::string_view activation)
    : main_{.layers = std::move(main)},
      shortcut_{.layers = std::move(shortcut)},
      activation_(activation_from_name(activation)) {
    if (main_.layers.empty())
        throw KeyError("layers", "layers: a Residual block needs at least one layer in its main branch");
    LayerNames names;
    for (LayerList* list : {&main_.layers, &shortcut_.layers}) {
        for (auto& layer : *list) {
            if (layer->name().empty()) layer->set_name(names.unique(layer->type()));
            if (!names.take(layer->name()))
                throw KeyError("layers", "layers: two layers of one Residual block are named '" + layer->name() + "'");
        }
    }
}

Shape Residual::build_branch(Branch& branch, const Shape& input) {
    branch.shapes.clear();
    Shape shape = input;
    for (auto& layer : branch.layers) {
        shape = layer->build(shape);
        branch.shapes.push_back(shape);
        for (Param* p : layer->params()) p->name = layer->name() + "/" + p->name;
    }
    return shape;
}

Shape Residual::build(const Shape& input) {
    input_shape_ = input;
    const Shape main = build_branch(main_, input);
    const Shape shortcut = build_branch(shortcut_, input);
    if (main != shortcut) {
        throw Error(error_prefix() + "the main branch outputs " + main.to_string() + " but the shortcut " +
                    (shortcut_.layers.empty() ? "(the identity) " : "") + "outputs " + shortcut.to_string() +
                    "; they must agree to be added (give a shortcut such as a 1×1 Conv2D with the same strides)");
    }
    buffer_rows_ = 0;
    return main;
}

void Residual::ensure_buffers(int64_t rows) {
    if (rows <= buffer_rows_) return;
    for (Branch* branch : {&main_, &shortcut_}) {
        branch->outputs.clear();
        branch->grads.clear();
        for (size_t i = 0; i < branch->shapes.size(); ++i) {
            const Shape shape = branch->shapes[i].with_batch(rows);
            branch->outputs.push_back(branch->is_fused(i) ? Tensor() : Tensor(shape));
            branch->grads.push_back(branch->is_fused(i + 1) ? Tensor() : Tensor(shape));
        }
    }
    shortcut_dx_ = Tensor(input_shape_.with_batch(rows));
    buffer_rows_ = rows;
}

Tensor Residual::forward_branch(Branch& branch, const Tensor& x, Mode mode, int64_t rows) {
    Tensor current = x.view();
    for (size_t i = 0; i < branch.layers.size(); ++i) {
        if (branch.is_fused(i)) continue;  // done by the layer before, into its output
        Tensor out = branch.outputs[i].first_rows(rows);
        branch.layers[i]->forward(current, out, mode);
        current = std::move(out);
    }
    return current;
}

void Residual::forward(const Tensor& x, Tensor& y, Mode mode) {
    const int64_t rows = x.rows();
    ensure_buffers(rows);
    const Tensor main = forward_branch(main_, x, mode, rows);
    const Tensor shortcut = forward_branch(shortcut_, x, mode, rows);
    // A relu costs no pass of its own: it is applied as the sum is written.
    const bool relu = activation_.kind() == ActivationKind::relu;
    add(main, shortcut, y, relu);
    relu ? activation_.record_relu_output(y) : activation_.forward(y);
}

void Residual::backward_branch(Branch& branch, const Tensor& dy, Tensor& dx, int64_t rows) {
    Tensor grad = dy.view();
    for (size_t i = branch.layers.size(); i-- > 0;) {
        if (branch.is_fused(i)) continue;  // its derivative is applied by the layer before, from the same gradient
        Tensor d = i == 0 ? dx.view() : branch.grads[i - 1].first_rows(rows);
        branch.layers[i]->backward(grad, d);
        grad = std::move(d);
    }
}

void Residual::backward(const Tensor& dy, Tensor& dx) {
    const int64_t rows = dy.rows();
    const Tensor dz = activation_.backward(dy);
    // Parameter gradients need both branches walked even when no dx is wanted; the input gradient then goes to
    // scratch.
    Tensor main_dx = dx.empty() ? shortcut_dx_.first_rows(rows) : dx.view();
    backward_branch(main_, dz, main_dx, rows);
    if (shortcut_.layers.empty()) {
        if (!dx.empty()) add(dx, dz, dx);
        return;
    }
    Tensor shortcut_dx = shortcut_dx_.first_rows(rows);
    backward_branch(shortcut_, dz, shortcut_dx, rows);
    if (!dx.empty()) add(dx, shortcut_dx, dx);
}

std::vector<Param*> Residual::params() {
    std::vector<Param*> all;
    for (LayerList* list : {&main_.layers, &shortcut_.layers})
        for (auto& layer : *list)
            for (Param* p : layer->params()) all.push_back(p);
    return all;
}

void Residual::seed_randomness(uint64_t run_seed) {
    // Sub-layer names are unique only within the block, so the block's own name goes into their seed: two blocks'
    // dropouts must not draw the same masks.
    const uint64_t block_seed = Rng(run_seed, "residual/" + name()).next_u64();
    for (LayerList* list : {&main_.layers, &shortcut_.layers})
        for (auto& layer : *list) layer->seed_randomness(block_seed);
}

std::vector<Rng*> Residual::random_streams() {
    std::vector<Rng*> streams;
    for (LayerList* list : {&main_.layers, &shortcut_.layers})
        for (auto& layer : *list)
            for (Rng* stream : layer->random_streams()) streams.push_back(stream);
    return streams;
}

void Residual::set_batch_shard(const BatchShard& shard) {
    for (LayerList* list : {&main_.layers, &shortcut_.layers})
        for (auto& layer : *list) layer->set_batch_shard(shard);
}

void Residual::forward_without_rows(Mode mode) {
    for (LayerList* list : {&main_.layers, &shortcut_.layers})
        for (auto& layer : *list) layer->forward_without_rows(mode);
}

void Residual::backward_without_rows() {
    for (LayerList* list : {&main_.layers, &shortcut_.layers})
        for (size_t i = list->size(); i-- > 0;) (*list)[i]->backward_without_rows();
}

void Residual::set_trainable(bool trainable) {
    Layer::set_trainable(trainable);
    for (LayerList* list : {&main_.layers, &shortcut_.layers})
        for (auto& layer : *list) layer->set_trainable(trainable);
}

void Residual::fuse_within() {
    for (Branch* branch : {&main_, &shortcut_}) branch->fused = fuse_neighbours(branch->layers);
    buffer_rows_ = 0;  // a fused layer keeps no buffers of its own
}

void Residual::unfuse() {
    for (Branch* branch : {&main_, &shortcut_}) {
        for (auto& layer : branch->layers) layer->unfuse();
        branch->fused.clear();
    }
    buffer_rows_ = 0;
}

void Residual::set_precision(Precision precision) {
    Layer::set_precision(precision);
    for (LayerList* list : {&main_.layers, &shortcut_.layers})
        for (auto& layer : *list) layer->set_precision(precision);
}

nlohmann::json Residual::config() const {
    nlohmann::json config{{"layers", specs(main_.layers)}, {"activation", activation_name(activation_.kind())}};
    if (!shortcut_.layers.empty()) config["shortcut"] = specs(shortcut_.layers);
    return config;
}

}  // namespace nnlab
