// Dense — fully connected layer, y = activation(x·W + b) (Keras: layers.Dense).
#include "nnlab/layers/dense.hpp"

#include "nnlab/core/error.hpp"
#include "nnlab/layers/activation.hpp"

namespace nnlab {

Dense::Dense(int64_t units, std::string_view activation, WeightOptions options)
    : units_(units), options_(std::move(options)), activation_(activation_from_name(activation)) {
    if (units <= 0) throw KeyError("units", "units: expected a positive integer, found " + std::to_string(units));
}

Shape Dense::build(const Shape& input) {
    if (input.rank() != 2) {
        throw Error(error_prefix() + "expected input (batch, features), found " + input.to_string() +
                    "; add a Flatten before it");
    }
    kernel_ = kernel_param(options_, Shape{input[1], units_});
    bias_ = bias_param(options_, Shape{units_});
    return Shape{input[0], units_};
}

std::vector<Param*> Dense::params() {
    if (options_.use_bias) return {&kernel_, &bias_};
    return {&kernel_};
}

void Dense::forward(const Tensor& x, Tensor& y, Mode) {
    x_.set(x, precision());
    kernel_operand_.set(kernel_.value, precision());
    gemm(x_, kernel_operand_, y);  // (N, units) = (N, in)·(in, units)
    if (options_.use_bias) add_row_bias(y, bias_.value);
    activation_.forward(y);
}

void Dense::backward(const Tensor& dy, Tensor& dx) {
    backward_from_logits(activation_.backward(dy), dx);
}

void Dense::backward_from_logits(const Tensor& dz, Tensor& dx) {
    const bool add = !write_gradients_;
    if (options_.use_bias) sum_rows(dz, bias_.grad, add);  // db (+)= Σₙ dz
    dz_.set(dz, precision());
    gemm(x_, dz_, kernel_.grad, {.trans_a = true, .accumulate = add});   // dW (+)= xᵀ·dz
    if (!dx.empty()) gemm(dz_, kernel_operand_, dx, {.trans_b = true});  // dx = dz·Wᵀ
}

nlohmann::json Dense::config() const {
    nlohmann::json config{{"units", units_}, {"activation", activation_name(activation_.kind())}};
    add_weight_options(options_, config);
    return config;
}

}  // namespace nnlab
