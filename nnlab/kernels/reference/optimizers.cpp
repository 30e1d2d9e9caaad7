// The optimizers' updates one parameter at a time, in double: the oracle for the CPU's vectorised passes.
#include <algorithm>
#include <cmath>

#include "nnlab/kernels/reference/reference_backend.hpp"

namespace nnlab {

void ReferenceBackend::sgd_update(Tensor& params, const Tensor& grads, Tensor& velocity, const SgdStep& step) {
    for (int64_t i = 0; i < params.numel(); ++i) {
        const double g = grads[i];
        if (step.momentum == 0.0f) {
            params[i] = static_cast<float>(params[i] - double{step.learning_rate} * g);
            continue;
        }
        const double v = double{step.momentum} * velocity[i] - double{step.learning_rate} * g;
        velocity[i] = static_cast<float>(v);
        const double move = step.nesterov ? double{step.momentum} * v - double{step.learning_rate} * g : v;
        params[i] = static_cast<float>(params[i] + move);
    }
}

void ReferenceBackend::rmsprop_update(Tensor& params, const Tensor& grads, Tensor& velocity, Tensor& momentum,
                                      Tensor& average_gradient, const RmspropStep& step) {
    for (int64_t i = 0; i < params.numel(); ++i) {
        const double g = grads[i];
        const double v = double{step.rho} * velocity[i] + (1.0 - step.rho) * g * g;
        velocity[i] = static_cast<float>(v);
        double denominator = v;
        if (step.centered) {
            const double a = double{step.rho} * average_gradient[i] + (1.0 - step.rho) * g;
            average_gradient[i] = static_cast<float>(a);
            denominator = std::max(v - a * a, 0.0);
        }
        const double increment = double{step.learning_rate} * g / std::sqrt(denominator + step.epsilon);
        if (step.momentum > 0.0f) {
            const double m = double{step.momentum} * momentum[i] + increment;
            momentum[i] = static_cast<float>(m);
            params[i] = static_cast<float>(params[i] - m);
        } else {
            params[i] = static_cast<float>(params[i] - increment);
        }
    }
}

void ReferenceBackend::adam_update(Tensor& params, const Tensor& grads, Tensor& m, Tensor& v, Tensor& v_hat,
                                   const AdamStep& step) {
    for (int64_t i = 0; i < params.numel(); ++i) {
        const double g = grads[i];
        const double mi = (1.0 - step.one_minus_beta_1) * m[i] + double{step.one_minus_beta_1} * g;
        const double vi = (1.0 - step.one_minus_beta_2) * v[i] + double{step.one_minus_beta_2} * g * g;
        m[i] = static_cast<float>(mi);
        v[i] = static_cast<float>(vi);
        double second = vi;
        if (step.amsgrad) {
            second = std::max(double{v_hat[i]}, vi);
            v_hat[i] = static_cast<float>(second);
        }
        params[i] = static_cast<float>(params[i] - double{step.alpha} * mi / (std::sqrt(second) + step.epsilon));
    }
}

void ReferenceBackend::scale(Tensor& x, float factor) {
    for (int64_t i = 0; i < x.numel(); ++i) x[i] = static_cast<float>(double{x[i]} * factor);
}

void ReferenceBackend::clip_values(Tensor& x, float limit) {
    for (int64_t i = 0; i < x.numel(); ++i) x[i] = x[i] > limit ? limit : x[i] < -limit ? -limit : x[i];
}

double ReferenceBackend::sum_of_squares(const Tensor& x) {
    double sum = 0.0;
    for (int64_t i = 0; i < x.numel(); ++i) sum += double{x[i]} * x[i];
    return sum;
}

}  // namespace nnlab
