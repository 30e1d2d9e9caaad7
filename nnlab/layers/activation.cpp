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

// The most saved values widened to float32 at once (8 MB).
constexpr int64_t max_widened = int64_t{2} << 20;

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
    if (done_before_) {
        copy(x, y);  // nothing when the model lets both share one output
        return;
    }
    activation_forward(kind_, x, y);
    const Precision kept = keeps_a_copy() ? Precision::bfloat16 : Precision::float32;
    saved_.save(activation_needs_input(kind_) ? x : y, kept);
}

bool Activation::writes_output_rounded() const {
    return keeps_a_copy() && !done_before_ && activation_in_one_pass(kind_);
}

void Activation::forward_rounded(const Tensor& x, Bf16Tensor& y, Mode) {
    if (!writes_output_rounded())
        throw Error(error_prefix() + "writes its output in bfloat16 only as relu or gelu under bfloat16, not fused",
                    ErrorKind::failure);
    Bf16Tensor& kept = saved_.rounded(x.shape());
    if (activation_needs_input(kind_)) {
        activation_forward(kind_, x, y, &kept);
    } else {
        activation_forward(kind_, x, y, nullptr);
        std::copy_n(y.data(), y.numel(), kept.data());  // relu's derivative reads y: its copy is y as written
    }
}

void Activation::backward(const Tensor& dy, Tensor& dx) {
    if (dx.empty()) return;
    if (done_before_) {
        copy(dy, dx);
        return;
    }
    // A kind with a pass of nnlab's own reads its rounded copy as it is.
    if (saved_.holds_copy() && activation_in_one_pass(kind_))
        return activation_backward(kind_, saved_.kept().bfloat16(), dy, dx);
    // In pieces of the batch when the saved values are a rounded copy: each row's derivative is its own, and a piece
    // widened at a time keeps the float32 buffer small (airbench's first GELU: 94 MB whole at batch 1024).
    const int64_t batch = dy.rows();
    const int64_t piece_rows =
        saved_.holds_copy() ? rows_per_piece(batch, dy.numel(), max_widened) : std::max<int64_t>(batch, 1);
    // The kernel reads x or y, as the kind needs, and takes the shapes from y: dy's is the output's.
    const bool input = activation_needs_input(kind_);
    for (int64_t begin = 0; begin < batch; begin += piece_rows) {
        const int64_t rows = std::min(piece_rows, batch - begin);
        const Tensor saved = saved_.read_rows(begin, rows), dy_rows = dy.rows(begin, rows);
        Tensor dx_rows = dx.rows(begin, rows);
        if (input)
            activation_backward(kind_, saved, dy_rows, dy_rows, dx_rows);
        else
            activation_backward(kind_, Tensor(), saved, dy_rows, dx_rows);
    }
}

void Activation::backward_from_logits(const Tensor& dlogits, Tensor& dx) {
    if (dx.empty()) return;
    std::copy_n(dlogits.data(), dlogits.numel(), dx.data());
}

}  // namespace nnlab
