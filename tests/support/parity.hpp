// How a fast kernel's result is compared with the reference's in the parity tests (tests/kernels).
#pragma once

#include <string>

#include "nnlab/tensor/tensor.hpp"

namespace nnlab::testing {

// Every value within tolerance of the reference's, relative to it (absolute below 1); `what` names the tensor in a
// failure.
void expect_close(const Tensor& fast, const Tensor& reference, double tolerance, const std::string& what = "");
// Every value within tolerance of the reference's largest magnitude (at least 1): for sums over many values, which
// cancel, so that a small value carries the error of the large ones it was summed from.
void expect_close_to_largest(const Tensor& fast, const Tensor& reference, double tolerance,
                             const std::string& what = "");

}  // namespace nnlab::testing
