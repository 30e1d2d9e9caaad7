// Tensors written out in a test and read back.
#include "tests/support/tensor_helpers.hpp"

#include <algorithm>
#include <cmath>

namespace nnlab::testing {

Tensor tensor(Shape shape, std::initializer_list<float> values) {
    Tensor t(std::move(shape));
    std::copy(values.begin(), values.end(), t.data());
    return t;
}

Tensor arena(std::initializer_list<float> values) {
    return tensor(Shape{static_cast<int64_t>(values.size())}, values);
}

void set_values(Tensor& t, std::initializer_list<float> values) {
    std::copy(values.begin(), values.end(), t.data());
}

std::vector<float> values(const Tensor& t) {
    return {t.data(), t.data() + t.numel()};
}

::testing::Matcher<float> near(double expected) {
    return ::testing::FloatNear(static_cast<float>(expected),
                                static_cast<float>(1e-6 * std::max(1.0, std::abs(expected))));
}

}  // namespace nnlab::testing
