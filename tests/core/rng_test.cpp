// Rng: reproducible streams with the right distributions.
#include "nnlab/core/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace nnlab {

TEST(Rng, SameSeedSameNumbers) {
    Rng a(42), b(42);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
}

TEST(Rng, StreamsAreIndependent) {
    Rng init(42, "init"), shuffle(42, "shuffle");
    int equal = 0;
    for (int i = 0; i < 100; ++i) equal += init.next_u64() == shuffle.next_u64();
    EXPECT_EQ(equal, 0);
}

TEST(Rng, UniformMomentsMatch) {
    Rng rng(7);
    const int n = 200000;
    double sum = 0, sum_sq = 0, low = 1, high = 0;
    for (int i = 0; i < n; ++i) {
        const double u = rng.uniform();
        sum += u;
        sum_sq += u * u;
        low = std::min(low, u);
        high = std::max(high, u);
    }
    EXPECT_NEAR(sum / n, 0.5, 0.005);
    EXPECT_NEAR(sum_sq / n - (sum / n) * (sum / n), 1.0 / 12.0, 0.002);
    EXPECT_GE(low, 0.0);
    EXPECT_LT(high, 1.0);
}

TEST(Rng, BelowCoversEveryValueEvenly) {
    Rng rng(3);
    int counts[7] = {};
    for (int i = 0; i < 70000; ++i) ++counts[rng.below(7)];
    for (int c : counts) EXPECT_NEAR(c, 10000, 400);
}

TEST(Rng, NormalMomentsMatch) {
    Rng rng(11);
    const int n = 200000;
    double sum = 0, sum_sq = 0;
    for (int i = 0; i < n; ++i) {
        const double x = rng.normal();
        sum += x;
        sum_sq += x * x;
    }
    EXPECT_NEAR(sum / n, 0.0, 0.01);
    EXPECT_NEAR(sum_sq / n, 1.0, 0.02);
}

}  // namespace nnlab
