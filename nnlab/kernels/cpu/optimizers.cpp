// The optimizers' updates on the CPU: one pass over the parameter arena each, vectorised and threaded. They are
// bound by memory traffic (Adam reads and writes seven streams of 4 bytes per parameter), so each variant is its
// own branch-free loop that touches every array once; the constants are copied into each thread's registers and
// the arrays declared unaliased, or the compiler reloads both after every store.
#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/cpu/cpu_backend.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

// Below this many parameters, waking the OpenMP team costs more than the loop.
constexpr int64_t parallel_threshold = int64_t{1} << 15;

void check_arena(const char* op, const Tensor& params, const Tensor& state) {
    if (state.numel() != params.numel()) {
        throw Error(std::string(op) + ": a state of " + std::to_string(state.numel()) + " values for " +
                        std::to_string(params.numel()) + " parameters; build() the optimizer for the arena first",
                    ErrorKind::failure);
    }
}

template <bool centered, bool with_momentum>
void rmsprop(float* p, const float* g, float* v, float* m, float* a, int64_t size, RmspropStep h) {
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
        const float increment = h.learning_rate * g[i] / std::sqrt(denominator + h.epsilon);
        if constexpr (with_momentum) {
            m[i] = h.momentum * m[i] + increment;
            p[i] -= m[i];
        } else {
            p[i] -= increment;
        }
    }
}

template <bool amsgrad>
void adam(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v,
          float* __restrict v_hat, int64_t size, AdamStep shared) {
#pragma omp parallel if (size >= parallel_threshold)
    {
        const AdamStep h = shared;
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

void CpuBackend::sgd_update(Tensor& params, const Tensor& grads, Tensor& velocity, const SgdStep& step) {
    check_same_shape("sgd_update", params, grads);
    float* p = params.data();
    const float* g = grads.data();
    const int64_t size = params.numel();
    const float lr = step.learning_rate;
    if (step.momentum == 0.0f) {
#pragma omp parallel for simd schedule(static) if (size >= parallel_threshold)
        for (int64_t i = 0; i < size; ++i) p[i] -= lr * g[i];
        return;
    }
    check_arena("sgd_update", params, velocity);
    const float mu = step.momentum;
    float* m = velocity.data();
    if (step.nesterov) {
#pragma omp parallel for simd schedule(static) if (size >= parallel_threshold)
        for (int64_t i = 0; i < size; ++i) {
            m[i] = mu * m[i] - lr * g[i];
            p[i] += mu * m[i] - lr * g[i];
        }
    } else {
#pragma omp parallel for simd schedule(static) if (size >= parallel_threshold)
        for (int64_t i = 0; i < size; ++i) {
            m[i] = mu * m[i] - lr * g[i];
            p[i] += m[i];
        }
    }
}

void CpuBackend::rmsprop_update(Tensor& params, const Tensor& grads, Tensor& velocity, Tensor& momentum,
                                Tensor& average_gradient, const RmspropStep& step) {
    check_same_shape("rmsprop_update", params, grads);
    check_arena("rmsprop_update", params, velocity);
    const bool with_momentum = step.momentum > 0.0f;
    if (with_momentum) check_arena("rmsprop_update", params, momentum);
    if (step.centered) check_arena("rmsprop_update", params, average_gradient);
    float* p = params.data();
    const float* g = grads.data();
    float* v = velocity.data();
    float* m = momentum.data();
    float* a = average_gradient.data();
    const int64_t size = params.numel();
    if (step.centered && with_momentum) rmsprop<true, true>(p, g, v, m, a, size, step);
    if (step.centered && !with_momentum) rmsprop<true, false>(p, g, v, m, a, size, step);
    if (!step.centered && with_momentum) rmsprop<false, true>(p, g, v, m, a, size, step);
    if (!step.centered && !with_momentum) rmsprop<false, false>(p, g, v, m, a, size, step);
}

void CpuBackend::adam_update(Tensor& params, const Tensor& grads, Tensor& m, Tensor& v, Tensor& v_hat,
                             const AdamStep& step) {
    check_same_shape("adam_update", params, grads);
    check_arena("adam_update", params, m);
    check_arena("adam_update", params, v);
    if (step.amsgrad) {
        check_arena("adam_update", params, v_hat);
        adam<true>(params.data(), grads.data(), m.data(), v.data(), v_hat.data(), params.numel(), step);
    } else {
        adam<false>(params.data(), grads.data(), m.data(), v.data(), nullptr, params.numel(), step);
    }
}

void CpuBackend::scale(Tensor& x, float factor) {
    float* p = x.data();
    const int64_t size = x.numel();
#pragma omp parallel for simd schedule(static) if (size >= parallel_threshold)
    for (int64_t i = 0; i < size; ++i) p[i] *= factor;
}

void CpuBackend::clip_values(Tensor& x, float limit) {
    float* p = x.data();
    const int64_t size = x.numel();
#pragma omp parallel for simd schedule(static) if (size >= parallel_threshold)
    for (int64_t i = 0; i < size; ++i) p[i] = std::clamp(p[i], -limit, limit);
}

double CpuBackend::sum_of_squares(const Tensor& x) {
    const float* g = x.data();
    const int64_t size = x.numel();
    double sum = 0.0;
#pragma omp parallel for simd reduction(+ : sum) schedule(static) if (size >= parallel_threshold)
    for (int64_t i = 0; i < size; ++i) sum += double{g[i]} * double{g[i]};
    return sum;
}

}  // namespace nnlab
