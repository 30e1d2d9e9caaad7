#include "tests/support/random_tensor.hpp"

#include "nnlab/core/rng.hpp"

namespace nnlab::testing {

Tensor random_tensor(Shape shape, uint64_t seed, double low, double high) {
    Tensor t(std::move(shape));
    Rng rng(seed);
    for (float& v : t.values()) v = static_cast<float>(rng.uniform(low, high));
    return t;
}

}  // namespace nnlab::testing
