// Batch normalisation over the last (channels) axis: the checks its kernels share (the kernels are in the
// backends' list, kernels/backend.hpp).
#pragma once

#include <initializer_list>
#include <string>

#include "nnlab/kernels/kernel_arguments.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

// x, y, dy, dx: (…, C), normalised over every axis but the last (M = numel / C values per channel);
// gamma, beta, mean, variance, dgamma, dbeta: (C). Variances are biased (divided by M), as in Keras.
// Values per channel and channels of x (…, C); throws nnlab::Error (a failure) unless every per-channel
// tensor has C values and every per-value tensor as many as x.
struct BatchNormDims {
    int64_t m, c;
};
BatchNormDims check_batch_norm(const char* op, const Shape& x, std::initializer_list<const Tensor*> same_as_x,
                               std::initializer_list<const Tensor*> per_channel);
inline BatchNormDims check_batch_norm(const char* op, const Tensor& x, std::initializer_list<const Tensor*> same_as_x,
                                      std::initializer_list<const Tensor*> per_channel) {
    return check_batch_norm(op, x.shape(), same_as_x, per_channel);
}

// The activations a batch norm applies in its own pass (BatchNormalization::fuse_next): linear, relu and gelu, whose
// derivative needs only the batch norm's output z; its kernels refuse the others (check_one_pass_activation).
constexpr bool batch_norm_fuses(ActivationKind kind) {
    return activation_in_one_pass(kind);
}

// Which oneDNN implementation the fast kernel runs for x (…, C) ("bnorm_jit:avx512_core", …), for tests.
std::string batch_norm_implementation(int64_t m, int64_t c, bool backward);

}  // namespace nnlab
