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
template <bool amsgrad>
void update(float* p, const float* g, float* m, float* v, float* v_hat, int64_t size, Hyper h) {
#pragma omp parallel for simd schedule(static) if (size >= parallel_threshold)
    for (int64_t i = 0; i < size; ++i) {
        m[i] += (g[i] - m[i]) * h.one_minus_beta_1;
        v[i] += (g[i] * g[i] - v[i]) * h.one_minus_beta_2;
        float second = v[i];
        if constexpr (amsgrad) {
            v_hat[i] = std::max(v_hat[i], v[i]);
            second = v_hat[i];
        }
        p[i] -= (m[i] * h.alpha) / (std::sqrt(second) + h.epsilon);
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
