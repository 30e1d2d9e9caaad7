// Adam — m, v moving averages of g and g², p −= lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε) (Keras: optimizers.Adam).
#include "nnlab/optim/adam.hpp"

#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {

Adam::Adam(AdamOptions options) : Optimizer(options.learning_rate, options.weight_decay), options_(options) {}

nlohmann::json Adam::hyperparameters() const {
    return {{"type", name()},
            {"learning_rate", learning_rate()},
            {"beta_1", options_.beta_1},
            {"beta_2", options_.beta_2},
            {"epsilon", options_.epsilon},
            {"amsgrad", options_.amsgrad}};
}

void Adam::build(int64_t size) {
    momentum_ = Tensor(Shape{size});
    velocity_ = Tensor(Shape{size});
    velocity_hat_ = options_.amsgrad ? Tensor(Shape{size}) : Tensor();
}

void Adam::check_built(int64_t size) const {
    require_state(momentum_, size);
}

void Adam::apply(Tensor& params, const Tensor& grads, double learning_rate, int64_t t, VariableSpan range) {
    // The bias corrections of m and v folded into one step size, as Keras computes it.
    const double steps = static_cast<double>(t);
    const double alpha =
        learning_rate * std::sqrt(1.0 - std::pow(options_.beta_2, steps)) / (1.0 - std::pow(options_.beta_1, steps));
    Tensor p = part(params, range), momentum = part(momentum_, range), velocity = part(velocity_, range),
           velocity_hat = part(velocity_hat_, range);
    adam_update(p, part(grads, range), momentum, velocity, velocity_hat,
                {.alpha = static_cast<float>(alpha),
                 .one_minus_beta_1 = static_cast<float>(1.0 - options_.beta_1),
                 .one_minus_beta_2 = static_cast<float>(1.0 - options_.beta_2),
                 .epsilon = static_cast<float>(options_.epsilon),
                 .amsgrad = options_.amsgrad});
}

}  // namespace nnlab
