// Dense — fully connected layer, y = activation(x·W + b) (Keras: layers.Dense).
#include "nnlab/layers/dense.hpp"

#include "nnlab/core/error.hpp"
#include "nnlab/layers/activation.hpp"

namespace nnlab {

Dense::Dense(int64_t units, std::string_view activation)
    : units_(units), activation_(activation_from_name(activation)) {
    if (units <= 0) throw KeyError("units", "units: expected a positive integer, got " + std::to_string(units));
}

Shape Dense::build(const Shape& input) {
    if (input.rank() != 2) {
        throw Error(error_prefix() + "expected input (batch, features), got " + input.to_string() +
                    "; add a Flatten before it");
    }
    const int64_t in = input[1];
    kernel_ = Param{.name = "kernel",
                    .shape = Shape{in, units_},
                    .initializer = "glorot_uniform",
                    .fan_in = in,
                    .fan_out = units_,
                    .value = {},
                    .grad = {}};
    bias_ = Param{.name = "bias",
                  .shape = Shape{units_},
                  .initializer = "zeros",
                  .fan_in = in,
                  .fan_out = units_,
                  .value = {},
                  .grad = {}};
    return Shape{input[0], units_};
}

void Dense::forward(const Tensor& x, Tensor& y, Mode) {
    x_ = x.view();
    gemm(x, kernel_.value, y);  // (N, units) = (N, in)·(in, units)
    add_row_bias(y, bias_.value);
    activation_forward(activation_, y, y);
    y_ = y.view();
}

void Dense::backward(const Tensor& dy, Tensor& dx) {
    if (activation_ == ActivationKind::linear) {
        backward_from_logits(dy, dx);
        return;
    }
    if (dz_.empty() || dz_.rows() < dy.rows()) dz_ = Tensor(dy.shape());
    Tensor dz = dz_.first_rows(dy.rows());
    activation_backward(activation_, y_, dy, dz);
    backward_from_logits(dz, dx);
}

void Dense::backward_from_logits(const Tensor& dz, Tensor& dx) {
    gemm(x_, dz, kernel_.grad, {.trans_a = true, .accumulate = true});  // dW += xᵀ·dz
    sum_rows(dz, bias_.grad, /*accumulate=*/true);                      // db += Σₙ dz
    if (!dx.empty()) gemm(dz, kernel_.value, dx, {.trans_b = true});    // dx  = dz·Wᵀ
}

nlohmann::json Dense::config() const {
    return {{"units", units_}, {"activation", activation_name(activation_)}};
}

}  // namespace nnlab
