// Tensors written out in a test and read back: what every module's tests share.
#pragma once

#include <gmock/gmock.h>

#include <initializer_list>
#include <vector>

#include "nnlab/core/shape.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab::testing {

// A tensor of `shape` holding `values` in row-major order.
Tensor tensor(Shape shape, std::initializer_list<float> values);
// A one-dimensional tensor (an optimizer's arena) holding `values`.
Tensor arena(std::initializer_list<float> values);
void set_values(Tensor& t, std::initializer_list<float> values);
std::vector<float> values(const Tensor& t);

// Within 1e-6 relative (absolute below 1): a float result against the double arithmetic a test writes out.
::testing::Matcher<float> near(double expected);

// Every optimizer test starts from p = (1, −2, 0.5) and takes g1 = (0.5, −1, 2), then g2 = (0.1, 0.2, −0.3).
struct TwoSteps {
    Tensor params = arena({1.0f, -2.0f, 0.5f});
    Tensor g1 = arena({0.5f, -1.0f, 2.0f});
    Tensor g2 = arena({0.1f, 0.2f, -0.3f});
};

}  // namespace nnlab::testing
