// Adam — m, v moving averages of g and g², p −= lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε) (Keras: optimizers.Adam).
#include "nnlab/optim/adam.hpp"

#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

// Below this many parameters, waking the OpenMP team costs more than the loop.
constexpr int64_t parallel_threshold = int64_t{1} << 15;

struct Hyper {
    float alpha, one_minus_beta_1, one_minus_beta_2, epsilon;
};

// One variant per instantiation, so each loop is branch-free and vectorises.
// The loop is bound by memory traffic (seven streams of 4 bytes per parameter), so it reads and writes each
// array once: the hyperparameters are copied into each thread's registers and the arrays declared unaliased,
// or the compiler reloads both after every store.
template <bool amsgrad>
void update(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v,
            float* __restrict v_hat, int64_t size, Hyper shared) {
#pragma omp parallel if (size >= parallel_threshold)
    {
        const Hyper h = shared;
#pragma omp for simd schedule(static)
        for (int64_t i = 0; i < size; ++i) {
            const float gi = g[i];
            const float mi = m[i] + (gi - m[i]) * h.one_minus_beta_1;
            const float vi = v[i] + (gi * gi - v[i]) * h.one_minus_beta_2;
            m[i] = mi;
            v[i] = vi;
            float second = vi;
            if constexpr (amsgrad) {
                second = std::max(v_hat[i], vi);
                v_hat[i] = second;
            }
            p[i] -= (mi * h.alpha) / (std::sqrt(second) + h.epsilon);
        }
    }
}

}  // namespace

Adam::Adam(AdamOptions options) : Optimizer(options.learning_rate), options_(options) {}

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
    if (momentum_.numel() != size) {
        throw Error("optimizer " + name() + ": step() over " + std::to_string(size) +
                        " parameters, but build() allocated " + std::to_string(momentum_.numel()) +
                        "; call build() with the parameter count first",
                    ErrorKind::failure);
    }
}

void Adam::apply(float* params, const float* grads, int64_t size, double learning_rate, int64_t t) {
    check_built(size);
    // The bias corrections of m and v folded into one step size, as Keras computes it.
    const double steps = static_cast<double>(t);
    const double alpha =
        learning_rate * std::sqrt(1.0 - std::pow(options_.beta_2, steps)) / (1.0 - std::pow(options_.beta_1, steps));
    const Hyper h{static_cast<float>(alpha), static_cast<float>(1.0 - options_.beta_1),
                  static_cast<float>(1.0 - options_.beta_2), static_cast<float>(options_.epsilon)};
    if (options_.amsgrad) {
        update<true>(params, grads, momentum_.data(), velocity_.data(), velocity_hat_.data(), size, h);
    } else {
        update<false>(params, grads, momentum_.data(), velocity_.data(), nullptr, size, h);
    }
}

}  // namespace nnlab
