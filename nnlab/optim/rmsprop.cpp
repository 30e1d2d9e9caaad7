// RMSprop — v = ρv + (1−ρ)g², p −= lr·g / √(v + ε), optionally centered and with momentum
// (Keras: optimizers.RMSprop).
#include "nnlab/optim/rmsprop.hpp"

#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {

RMSprop::RMSprop(RMSpropOptions options) : Optimizer(options.learning_rate, options.weight_decay), options_(options) {}

nlohmann::json RMSprop::hyperparameters() const {
    return {{"type", name()},
            {"learning_rate", learning_rate()},
            {"rho", options_.rho},
            {"momentum", options_.momentum},
            {"epsilon", options_.epsilon},
            {"centered", options_.centered}};
}

void RMSprop::build(int64_t size) {
    velocity_ = Tensor(Shape{size});
    momentum_ = options_.momentum > 0.0 ? Tensor(Shape{size}) : Tensor();
    average_gradient_ = options_.centered ? Tensor(Shape{size}) : Tensor();
}

void RMSprop::check_built(int64_t size) const {
    require_state(velocity_, size);
}

void RMSprop::apply(Tensor& params, const Tensor& grads, double learning_rate, int64_t, VariableSpan range) {
    Tensor p = part(params, range), velocity = part(velocity_, range), momentum = part(momentum_, range),
           average_gradient = part(average_gradient_, range);
    rmsprop_update(p, part(grads, range), velocity, momentum, average_gradient,
                   {.learning_rate = static_cast<float>(learning_rate),
                    .rho = static_cast<float>(options_.rho),
                    .momentum = static_cast<float>(options_.momentum),
                    .epsilon = static_cast<float>(options_.epsilon),
                    .centered = options_.centered});
}

}  // namespace nnlab
