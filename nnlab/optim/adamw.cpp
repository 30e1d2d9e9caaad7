// AdamW — decoupled weight decay, then the Adam step (Keras: optimizers.AdamW).
#include "nnlab/optim/adamw.hpp"

#include "nnlab/kernels/ops.hpp"

namespace nnlab {

AdamW::AdamW(AdamWOptions options)
    : Adam(AdamOptions{.learning_rate = options.learning_rate,
                       .beta_1 = options.beta_1,
                       .beta_2 = options.beta_2,
                       .epsilon = options.epsilon,
                       .amsgrad = options.amsgrad}),
      weight_decay_(options.weight_decay) {}

nlohmann::json AdamW::hyperparameters() const {
    nlohmann::json c = Adam::hyperparameters();
    c["weight_decay"] = weight_decay_;
    return c;
}

void AdamW::apply(Tensor& params, const Tensor& grads, double learning_rate, int64_t t) {
    check_built(params.numel());
    // Keras's _apply_weight_decay runs before the update step, on the parameters, with the same rate:
    // p −= p·decay, written p += (−decay)·p.
    axpy(-static_cast<float>(weight_decay_ * learning_rate), params, params);
    Adam::apply(params, grads, learning_rate, t);
}

}  // namespace nnlab
