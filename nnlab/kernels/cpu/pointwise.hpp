// Per-value pieces the CPU backend's own loops share: the activations a kernel applies as it writes another result
// (linear, relu, gelu: batch norm's pass, an activation written rounded) with their derivatives, and the readers and
// writers of float32 or bfloat16 values. One definition, so that a float32 result and its bfloat16 twin are the same
// arithmetic, rounded.
#pragma once

#include <bit>
#include <cstdint>

#include "nnlab/kernels/cpu/vector_math.hpp"
#include "nnlab/kernels/kernel_arguments.hpp"
#include "nnlab/tensor/bf16_tensor.hpp"

namespace nnlab::pointwise {

template <ActivationKind kind>
float activate(float z) {
    if constexpr (kind == ActivationKind::relu) return z < 0.0f ? 0.0f : z;  // NaN passes, as the relu kernel's
    if constexpr (kind == ActivationKind::gelu) return vector_math::gelu(z);
    return z;
}

template <ActivationKind kind>
float derivative(float z) {
    if constexpr (kind == ActivationKind::relu) return z > 0.0f ? 1.0f : 0.0f;
    if constexpr (kind == ActivationKind::gelu) return vector_math::gelu_derivative(z);
    return 1.0f;
}

// x read as float32 from either precision.
struct Float32Values {
    const float* p;
    float operator()(int64_t i) const { return p[i]; }
};
struct Bfloat16Values {
    const uint16_t* p;
    float operator()(int64_t i) const { return std::bit_cast<float>(static_cast<uint32_t>(p[i]) << 16); }
};

// y written as float32 or rounded to bfloat16.
struct Float32Out {
    float* p;
    void operator()(int64_t i, float v) const { p[i] = v; }
};
struct Bfloat16Out {
    uint16_t* p;
    void operator()(int64_t i, float v) const { p[i] = bfloat16_bits(v); }
};

}  // namespace nnlab::pointwise
