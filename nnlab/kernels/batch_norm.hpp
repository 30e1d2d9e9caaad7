// Batch normalisation kernels over the last (channels) axis. nnlab::<op> is the fast CPU kernel
// (kernels/cpu/batch_norm.cpp, oneDNN), nnlab::reference::<op> the plain loop in double it is tested against.
#pragma once

#include <initializer_list>
#include <string>

#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

// x, y, dy, dx: (…, C), normalised over every axis but the last (M = numel / C values per channel);
// gamma, beta, mean, variance, dgamma, dbeta: (C). Variances are biased (divided by M), as in Keras.
#define NNLAB_BATCH_NORM_SIGNATURES                                                                                 \
    /* y = gamma·(x − μ)/√(σ² + ε) + beta with the batch's μ and σ², which are written out */           \
    void batch_norm_forward_training(const Tensor& x, const Tensor& gamma, const Tensor& beta, float epsilon,       \
                                     Tensor& y, Tensor& batch_mean, Tensor& batch_variance);                        \
    /* y = gamma·(x − mean)/√(variance + ε) + beta with given statistics (the moving ones) */                 \
    void batch_norm_forward_inference(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& mean, \
                                      const Tensor& variance, float epsilon, Tensor& y);                            \
    /* Through the training forward (μ, σ² as it wrote them): dx written, dgamma and dbeta added into */         \
    void batch_norm_backward(const Tensor& x, const Tensor& dy, const Tensor& gamma, const Tensor& batch_mean,      \
                             const Tensor& batch_variance, float epsilon, Tensor& dx, Tensor& dgamma, Tensor& dbeta);

NNLAB_BATCH_NORM_SIGNATURES

namespace reference {
NNLAB_BATCH_NORM_SIGNATURES
}  // namespace reference

#undef NNLAB_BATCH_NORM_SIGNATURES

// Values per channel and channels of x (…, C); throws nnlab::Error (a failure) unless every per-channel
// tensor has C values and every per-value tensor as many as x.
struct BatchNormDims {
    int64_t m, c;
};
BatchNormDims check_batch_norm(const char* op, const Tensor& x, std::initializer_list<const Tensor*> same_as_x,
                               std::initializer_list<const Tensor*> per_channel);

// Which oneDNN implementation the fast kernel runs for x (…, C) ("bnorm_jit:avx512_core", …), for tests.
std::string batch_norm_implementation(int64_t m, int64_t c, bool backward);

}  // namespace nnlab
