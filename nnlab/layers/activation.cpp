// Activation — applies an activation function (Keras: layers.Activation).
#include "nnlab/layers/activation.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

// "silu" is Keras's other name for swish; it reads back as "swish".
constexpr std::array<std::pair<std::string_view, ActivationKind>, 11> activation_names{{
    {"linear", ActivationKind::linear},
    {"relu", ActivationKind::relu},
    {"tanh", ActivationKind::tanh},
    {"sigmoid", ActivationKind::sigmoid},
    {"softmax", ActivationKind::softmax},
    {"leaky_relu", ActivationKind::leaky_relu},
    {"elu", ActivationKind::elu},
    {"gelu", ActivationKind::gelu},
    {"swish", ActivationKind::swish},
    {"silu", ActivationKind::swish},
    {"softplus", ActivationKind::softplus},
}};

}  // namespace

ActivationKind activation_from_name(std::string_view name) {
    for (const auto& [known, kind] : activation_names)
        if (known == name) return kind;
    throw KeyError("activation", "activation: unknown activation '" + std::string(name) +
                                     "'; expected one of linear, relu, tanh, sigmoid, softmax, leaky_relu, elu, gelu, "
                                     "swish (silu), softplus");
}

std::string activation_name(ActivationKind kind) {
    for (const auto& [known, k] : activation_names)
        if (k == kind) return std::string(known);
    return "linear";
}

void Activation::forward(const Tensor& x, Tensor& y, Mode) {
    activation_forward(kind_, x, y);
    x_ = x.view();
    y_ = y.view();
}

void Activation::backward(const Tensor& dy, Tensor& dx) {
    if (dx.empty()) return;
    activation_backward(kind_, x_, y_, dy, dx);
}

void Activation::backward_from_logits(const Tensor& dlogits, Tensor& dx) {
    if (dx.empty()) return;
    std::copy_n(dlogits.data(), dlogits.numel(), dx.data());
}

}  // namespace nnlab
