// RMSprop — v = ρv + (1−ρ)g², p −= lr·g / √(v + ε), optionally centered and with momentum
// (Keras: optimizers.RMSprop).
#include "nnlab/optim/rmsprop.hpp"

#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

// Below this many parameters, waking the OpenMP team costs more than the loop.
constexpr int64_t parallel_threshold = int64_t{1} << 15;

struct Hyper {
    float lr, rho, momentum, epsilon;
};

// One variant per instantiation, so each loop is branch-free and vectorises; `m` and `a` are only
// touched by the variants that allocate them.
template <bool centered, bool with_momentum>
void update(float* p, const float* g, float* v, float* m, float* a, int64_t size, Hyper h) {
#pragma omp parallel for simd schedule(static) if (size >= parallel_threshold)
    for (int64_t i = 0; i < size; ++i) {
        v[i] = h.rho * v[i] + (1.0f - h.rho) * (g[i] * g[i]);
        float denominator = v[i];
        if constexpr (centered) {
            a[i] = h.rho * a[i] + (1.0f - h.rho) * g[i];
            // v − a² is a variance and never negative in exact arithmetic, but after many similar
            // gradients it is the difference of two nearly equal floats; Keras takes it as is and can
            // get √(negative) = NaN when ε is smaller than the rounding error, so it is floored at 0.
            denominator = std::max(v[i] - a[i] * a[i], 0.0f);
        }
        const float increment = h.lr * g[i] / std::sqrt(denominator + h.epsilon);
        if constexpr (with_momentum) {
            m[i] = h.momentum * m[i] + increment;
            p[i] -= m[i];
        } else {
            p[i] -= increment;
        }
    }
}

}  // namespace

RMSprop::RMSprop(RMSpropOptions options) : Optimizer(options.learning_rate), options_(options) {}

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

void RMSprop::apply(float* params, const float* grads, int64_t size, double learning_rate, int64_t) {
    if (velocity_.numel() != size) {
        throw Error("optimizer rmsprop: step() over " + std::to_string(size) + " parameters, but build() allocated " +
                        std::to_string(velocity_.numel()) + "; call build() with the parameter count first",
                    ErrorKind::failure);
    }
    const Hyper h{static_cast<float>(learning_rate), static_cast<float>(options_.rho),
                  static_cast<float>(options_.momentum), static_cast<float>(options_.epsilon)};
    float* v = velocity_.data();
    float* m = momentum_.data();
    float* a = average_gradient_.data();
    const bool with_momentum = options_.momentum > 0.0;
    if (options_.centered && with_momentum) update<true, true>(params, grads, v, m, a, size, h);
    if (options_.centered && !with_momentum) update<true, false>(params, grads, v, m, a, size, h);
    if (!options_.centered && with_momentum) update<false, true>(params, grads, v, m, a, size, h);
    if (!options_.centered && !with_momentum) update<false, false>(params, grads, v, m, a, size, h);
}

}  // namespace nnlab
