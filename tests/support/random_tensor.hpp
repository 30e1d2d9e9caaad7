// Tensors of seeded uniform noise, the inputs of the parity tests.
#pragma once

#include <cstdint>

#include "nnlab/core/shape.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab::testing {

// Every value drawn from U(low, high) by Rng(seed), in order.
Tensor random_tensor(Shape shape, uint64_t seed, double low = -1.0, double high = 1.0);

}  // namespace nnlab::testing
