// AveragePooling2D: hand-computed values (padding excluded from the mean with "same"), gradients.
#include "nnlab/layers/average_pooling2d.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/layer_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using namespace nnlab::testing;

TEST(AveragePooling2D, ForwardMatchesHandComputedValues) {
    AveragePooling2D pool;
    // Windows {1 2 5 6}, {3 4 7 8}, {9 10 13 14}, {11 12 15 16}.
    EXPECT_THAT(values(forward_once(pool, Shape{1, 4, 4, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})),
                ElementsAre(3.5f, 5.5f, 11.5f, 13.5f));
}

TEST(AveragePooling2D, SamePaddingAveragesOnlyTheInputsCovered) {
    AveragePooling2D pool({2, 2}, {.padding = "same"});
    // 3×3 → 2×2, padding below and right: {1 2 4 5} → 3, {3 6} → 4.5, {7 8} → 7.5, {9} → 9 (not 9/4).
    EXPECT_THAT(values(forward_once(pool, Shape{1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9})),
                ElementsAre(3.0f, 4.5f, 7.5f, 9.0f));
}

TEST(AveragePooling2D, BackwardSpreadsOverTheInputsCovered) {
    AveragePooling2D pool({2, 2}, {.padding = "same"});
    const Shape output = build_with_params(pool, Shape{1, 3, 3, 1});
    Tensor x(Shape{1, 3, 3, 1}), y(output), dy(output), dx(Shape{1, 3, 3, 1});
    set_values(dy, {4, 2, 2, 1});
    pool.forward(x, y, Mode::training);
    pool.backward(dy, dx);
    // 4 shared by four inputs, 2 by two, 2 by two, 1 by one.
    EXPECT_THAT(values(dx), ElementsAre(1, 1, 1, 1, 1, 1, 1, 1, 1));
}

TEST(AveragePooling2D, OverlappingWindowsAddTheirShares) {
    AveragePooling2D pool({1, 2}, {.strides = std::array<int64_t, 2>{1, 1}});
    const Shape output = build_with_params(pool, Shape{1, 1, 3, 1});
    EXPECT_EQ(output, (Shape{1, 1, 2, 1}));
    Tensor x(Shape{1, 1, 3, 1}), y(output), dy(output), dx(Shape{1, 1, 3, 1});
    set_values(x, {1, 3, 7});
    set_values(dy, {2, 6});
    pool.forward(x, y, Mode::training);
    pool.backward(dy, dx);
    EXPECT_THAT(values(y), ElementsAre(2, 5));
    EXPECT_THAT(values(dx), ElementsAre(1, 4, 3));  // the middle input is in both windows
}

TEST(AveragePooling2D, DeclaresKerasDefaults) {
    AveragePooling2D pool({3, 3}, {.strides = std::array<int64_t, 2>{1, 2}, .padding = "same"});
    EXPECT_EQ(pool.type(), "AveragePooling2D");
    EXPECT_EQ(pool.config(), nlohmann::json({{"pool_size", {3, 3}}, {"strides", {1, 2}}, {"padding", "same"}}));
}

TEST(AveragePooling2D, GradientsMatchCentralDifferences) {
    AveragePooling2D valid;
    EXPECT_LAYER_GRADIENTS_OK(valid, Shape{2, 5, 7, 3});
    AveragePooling2D same({3, 2}, {.strides = std::array<int64_t, 2>{2, 3}, .padding = "same"});
    EXPECT_LAYER_GRADIENTS_OK(same, Shape{3, 5, 7, 17});
}

TEST(AveragePooling2D, RejectsWrongRank) {
    AveragePooling2D pool;
    EXPECT_THROW(pool.build(Shape{Shape::unknown, 4, 4}), Error);
    EXPECT_THROW(AveragePooling2D({2, 2}, {.padding = "causal"}), KeyError);
}

}  // namespace
}  // namespace nnlab
