// SGD — p −= lr·g, or through a velocity m = momentum·m − lr·g (Keras: optimizers.SGD).
#include "nnlab/optim/sgd.hpp"

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

// Below this many parameters, waking the OpenMP team costs more than the loop.
constexpr int64_t parallel_threshold = int64_t{1} << 15;

}  // namespace

SGD::SGD(SGDOptions options) : Optimizer(options.learning_rate), options_(options) {}

nlohmann::json SGD::hyperparameters() const {
    return {{"type", name()},
            {"learning_rate", learning_rate()},
            {"momentum", options_.momentum},
            {"nesterov", options_.nesterov}};
}

void SGD::build(int64_t size) {
    velocity_ = options_.momentum > 0.0 ? Tensor(Shape{size}) : Tensor();
}

void SGD::apply(float* params, const float* grads, int64_t size, double learning_rate, int64_t) {
    const float lr = static_cast<float>(learning_rate);
    if (options_.momentum == 0.0) {
#pragma omp parallel for simd schedule(static) if (size >= parallel_threshold)
        for (int64_t i = 0; i < size; ++i) params[i] -= lr * grads[i];
        return;
    }
    if (velocity_.numel() != size) {
        throw Error("optimizer sgd: step() over " + std::to_string(size) + " parameters, but build() allocated " +
                        std::to_string(velocity_.numel()) + "; call build() with the parameter count first",
                    ErrorKind::failure);
    }
    const float mu = static_cast<float>(options_.momentum);
    float* m = velocity_.data();
    if (options_.nesterov) {
#pragma omp parallel for simd schedule(static) if (size >= parallel_threshold)
        for (int64_t i = 0; i < size; ++i) {
            m[i] = mu * m[i] - lr * grads[i];
            params[i] += mu * m[i] - lr * grads[i];
        }
    } else {
#pragma omp parallel for simd schedule(static) if (size >= parallel_threshold)
        for (int64_t i = 0; i < size; ++i) {
            m[i] = mu * m[i] - lr * grads[i];
            params[i] += m[i];
        }
    }
}

}  // namespace nnlab
