// The parity tests' comparisons.
#include "tests/support/parity.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace nnlab::testing {

void expect_close(const Tensor& fast, const Tensor& reference, double tolerance, const std::string& what) {
    ASSERT_EQ(fast.numel(), reference.numel()) << what;
    for (int64_t i = 0; i < fast.numel(); ++i)
        ASSERT_NEAR(fast[i], reference[i], tolerance * std::max(1.0f, std::abs(reference[i]))) << what << " at " << i;
}

void expect_close_to_largest(const Tensor& fast, const Tensor& reference, double tolerance, const std::string& what) {
    ASSERT_EQ(fast.numel(), reference.numel()) << what;
    double scale = 1.0;
    for (float v : reference.values()) scale = std::max(scale, double{std::abs(v)});
    for (int64_t i = 0; i < fast.numel(); ++i)
        ASSERT_NEAR(fast[i], reference[i], tolerance * scale) << what << " at " << i;
}

}  // namespace nnlab::testing
