// SGD — p −= lr·g, or through a velocity m = momentum·m − lr·g (Keras: optimizers.SGD).
#include "nnlab/optim/sgd.hpp"

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {

SGD::SGD(SGDOptions options) : Optimizer(options.learning_rate, options.weight_decay), options_(options) {}

nlohmann::json SGD::hyperparameters() const {
    return {{"type", name()},
            {"learning_rate", learning_rate()},
            {"momentum", options_.momentum},
            {"nesterov", options_.nesterov}};
}

void SGD::build(int64_t size) {
    velocity_ = options_.momentum > 0.0 ? Tensor(Shape{size}) : Tensor();
}

void SGD::check_built(int64_t size) const {
    if (options_.momentum > 0.0) require_state(velocity_, size);
}

void SGD::apply(Tensor& params, const Tensor& grads, double learning_rate, int64_t, VariableSpan range) {
    Tensor p = part(params, range), velocity = part(velocity_, range);
    sgd_update(p, part(grads, range), velocity,
               {.learning_rate = static_cast<float>(learning_rate),
                .momentum = static_cast<float>(options_.momentum),
                .nesterov = options_.nesterov});
}

}  // namespace nnlab
