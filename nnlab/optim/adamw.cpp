// AdamW — decoupled weight decay, then the Adam step (Keras: optimizers.AdamW).
#include "nnlab/optim/adamw.hpp"

namespace nnlab {
namespace {

// Below this many parameters, waking the OpenMP team costs more than the loop.
constexpr int64_t parallel_threshold = int64_t{1} << 15;

}  // namespace

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

void AdamW::apply(float* params, const float* grads, int64_t size, double learning_rate, int64_t t) {
    check_built(size);
    // Keras's _apply_weight_decay runs before the update step, on the parameters, with the same rate.
    const float decay = static_cast<float>(weight_decay_ * learning_rate);
#pragma omp parallel for simd schedule(static) if (size >= parallel_threshold)
    for (int64_t i = 0; i < size; ++i) params[i] -= params[i] * decay;
    Adam::apply(params, grads, size, learning_rate, t);
}

}  // namespace nnlab
