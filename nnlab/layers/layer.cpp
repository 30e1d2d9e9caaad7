// Layer — the interface every layer implements (Keras: keras.layers.Layer).
#include "nnlab/layers/layer.hpp"

#include "nnlab/core/error.hpp"

namespace nnlab {

void Layer::backward_from_logits(const Tensor&, Tensor&) {
    throw Error(error_prefix() + "does not end in softmax; cannot take a gradient with respect to logits",
                ErrorKind::failure);
}

namespace {

[[noreturn]] void refuse_rounded(const std::string& prefix, const char* what) {
    throw Error(prefix + "cannot " + what + " in bfloat16 (Sequential's plan asked it)", ErrorKind::failure);
}

}  // namespace

Bf16Tensor& Layer::rounded_input(const Shape&) {
    refuse_rounded(error_prefix(), "take its input");
}

void Layer::forward_from_rounded(Tensor&, Mode) {
    refuse_rounded(error_prefix(), "take its input");
}

void Layer::forward_rounded(const Tensor&, Bf16Tensor&, Mode) {
    refuse_rounded(error_prefix(), "write its output");
}

void Layer::backward_from_rounded(const Bf16Tensor&, Tensor&) {
    refuse_rounded(error_prefix(), "take its output gradient");
}

void Layer::backward_to_rounded(const Tensor&, Bf16Tensor&) {
    refuse_rounded(error_prefix(), "write its input gradient");
}

void Layer::backward_rounded(const Bf16Tensor&, Bf16Tensor&) {
    refuse_rounded(error_prefix(), "take and write its gradients");
}

std::string Layer::error_prefix() const {
    return "layer " + name_ + " (" + type() + "): ";
}

std::vector<bool> fuse_neighbours(const std::vector<std::unique_ptr<Layer>>& layers) {
    std::vector<bool> fused(layers.size(), false);
    for (size_t i = 0; i + 1 < layers.size(); ++i)
        if (!fused[i] && layers[i]->fuse_next(*layers[i + 1])) fused[i + 1] = true;
    for (const auto& layer : layers) layer->fuse_within();
    return fused;
}

}  // namespace nnlab
