// MaxPooling2D (and the Pooling2D geometry it shares with AveragePooling2D): hand-computed values, Keras's
// output sizes, gradients, ties and errors.
#include "nnlab/layers/max_pooling2d.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/layer_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace nnlab::testing;

// Runs a training forward and a backward of dy on a built layer; returns dx.
std::vector<float> routed_gradient(Layer& layer, const Shape& input_shape, std::initializer_list<float> input,
                                   const Shape& output_shape, std::initializer_list<float> dy_values) {
    Tensor x(input_shape), y(output_shape), dy(output_shape), dx(input_shape);
    set_values(x, input);
    set_values(dy, dy_values);
    layer.forward(x, y, Mode::training);
    layer.backward(dy, dx);
    return values(dx);
}

TEST(MaxPooling2D, ForwardMatchesHandComputedValues) {
    MaxPooling2D pool;  // 2×2 windows, strides 2
    // 1  2  3  4
    // 5  6  7  8
    // 9 10 11 12
    // 13 14 15 16
    EXPECT_THAT(values(forward_once(pool, Shape{1, 4, 4, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})),
                ElementsAre(6, 8, 14, 16));
}

TEST(MaxPooling2D, PoolsEachChannelOnItsOwn) {
    MaxPooling2D pool({2, 1});
    // Two rows, one column, two channels: (1, −1) over (3, −5).
    EXPECT_THAT(values(forward_once(pool, Shape{1, 2, 1, 2}, {1, -1, 3, -5})), ElementsAre(3, -1));
}

TEST(MaxPooling2D, SamePaddingNeverPicksThePadding) {
    MaxPooling2D pool({2, 2}, {.padding = "same"});
    // 3×3 → 2×2; one row of padding below and one column right: windows {1 2 4 5}, {3 6}, {7 8}, {9},
    // all negative, so a zero from the padding would win if it took part.
    EXPECT_THAT(values(forward_once(pool, Shape{1, 3, 3, 1}, {-1, -2, -3, -4, -5, -6, -7, -8, -9})),
                ElementsAre(-1, -3, -7, -9));
}

TEST(MaxPooling2D, OutputSizesFollowKeras) {
    // valid: floor((in − pool)/s) + 1; same: ceil(in/s).
    MaxPooling2D valid({3, 2}, {.strides = std::array<int64_t, 2>{2, 3}});
    EXPECT_EQ(valid.build(Shape{Shape::unknown, 7, 9, 3}), (Shape{Shape::unknown, 3, 3, 3}));
    MaxPooling2D same({3, 2}, {.strides = std::array<int64_t, 2>{2, 3}, .padding = "same"});
    EXPECT_EQ(same.build(Shape{Shape::unknown, 7, 9, 3}), (Shape{Shape::unknown, 4, 3, 3}));
    MaxPooling2D odd;  // strides default to the pool size
    EXPECT_EQ(odd.build(Shape{Shape::unknown, 5, 17, 1}), (Shape{Shape::unknown, 2, 8, 1}));
    MaxPooling2D odd_same({2, 2}, {.padding = "SAME"});  // Keras accepts any case
    EXPECT_EQ(odd_same.build(Shape{Shape::unknown, 5, 17, 1}), (Shape{Shape::unknown, 3, 9, 1}));
    MaxPooling2D wide_stride({1, 1}, {.strides = std::array<int64_t, 2>{4, 4}, .padding = "same"});
    EXPECT_EQ(wide_stride.build(Shape{Shape::unknown, 6, 5, 2}), (Shape{Shape::unknown, 2, 2, 2}));
}

TEST(MaxPooling2D, SamePaddingPutsTheOddRowBelowAndRight) {
    // 4×4, pool 3, stride 1, same: padding 2 in total, 1 above and 1 below; the top-left output sees rows and
    // columns 0–1 only, so its maximum is 6, not 11.
    MaxPooling2D pool({3, 3}, {.strides = std::array<int64_t, 2>{1, 1}, .padding = "same"});
    const Tensor y = forward_once(pool, Shape{1, 4, 4, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    EXPECT_THAT(values(y), ElementsAre(6, 7, 8, 8, 10, 11, 12, 12, 14, 15, 16, 16, 14, 15, 16, 16));
    // pool 2, stride 1 on 3 columns: padding 1 in total, all of it at the right.
    MaxPooling2D even({1, 2}, {.strides = std::array<int64_t, 2>{1, 1}, .padding = "same"});
    EXPECT_THAT(values(forward_once(even, Shape{1, 1, 3, 1}, {3, 1, 2})), ElementsAre(3, 2, 2));
}

TEST(MaxPooling2D, DeclaresKerasDefaults) {
    MaxPooling2D pool;
    EXPECT_EQ(pool.type(), "MaxPooling2D");
    EXPECT_TRUE(pool.params().empty());
    const nlohmann::json config = pool.config();
    EXPECT_EQ(config["pool_size"], nlohmann::json({2, 2}));
    EXPECT_EQ(config["strides"], nlohmann::json({2, 2}));
    EXPECT_EQ(config["padding"], "valid");
}

TEST(MaxPooling2D, GradientGoesToTheWindowMaximum) {
    MaxPooling2D pool;
    const Shape output = build_with_params(pool, Shape{1, 2, 4, 1});
    // Windows {1 5 | 2 0} and {3 4 | 8 7}: maxima 5 (index 1) and 8 (index 6).
    EXPECT_THAT(routed_gradient(pool, Shape{1, 2, 4, 1}, {1, 5, 3, 4, 2, 0, 8, 7}, output, {10, 20}),
                ElementsAre(0, 10, 0, 0, 0, 0, 20, 0));
}

TEST(MaxPooling2D, TiedMaximaRouteToTheFirstInRowMajorOrder) {
    MaxPooling2D pool;
    const Shape output = build_with_params(pool, Shape{1, 2, 2, 1});
    // All four equal: the top-left one takes the gradient.
    EXPECT_THAT(routed_gradient(pool, Shape{1, 2, 2, 1}, {1, 1, 1, 1}, output, {1}), ElementsAre(1, 0, 0, 0));
    // Ties at (0, 1) and (1, 0): row-major order reaches (0, 1) first (column-major would pick (1, 0)).
    EXPECT_THAT(routed_gradient(pool, Shape{1, 2, 2, 1}, {0, 2, 2, 1}, output, {1}), ElementsAre(0, 1, 0, 0));
    // Ties on the bottom row only.
    EXPECT_THAT(routed_gradient(pool, Shape{1, 2, 2, 1}, {0, 1, 3, 3}, output, {1}), ElementsAre(0, 0, 1, 0));
}

TEST(MaxPooling2D, GradientsMatchCentralDifferences) {
    MaxPooling2D valid;
    EXPECT_LAYER_GRADIENTS_OK(valid, Shape{2, 5, 7, 3});
    MaxPooling2D overlapping({3, 3}, {.strides = std::array<int64_t, 2>{2, 1}});
    EXPECT_LAYER_GRADIENTS_OK(overlapping, Shape{2, 7, 6, 3});
    MaxPooling2D same({3, 2}, {.strides = std::array<int64_t, 2>{2, 3}, .padding = "same"});
    EXPECT_LAYER_GRADIENTS_OK(same, Shape{3, 5, 7, 17});
}

TEST(MaxPooling2D, RejectsBadOptionsAndInputs) {
    try {
        MaxPooling2D({2, 2}, {.padding = "full"});
        FAIL() << "expected an error";
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "padding");
        EXPECT_THAT(error.what(), HasSubstr("full"));
    }
    try {
        MaxPooling2D({0, 2});
        FAIL() << "expected an error";
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "pool_size");
    }
    try {
        MaxPooling2D({2, 2}, {.strides = std::array<int64_t, 2>{1, -1}});
        FAIL() << "expected an error";
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "strides");
    }
    MaxPooling2D pool;
    pool.set_name("max_pooling2d");
    try {
        pool.build(Shape{Shape::unknown, 64});
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_THAT(error.what(), HasSubstr("max_pooling2d (MaxPooling2D)"));
        EXPECT_THAT(error.what(), HasSubstr("(None, 64)"));
    }
    MaxPooling2D large({3, 3});
    EXPECT_THROW(large.build(Shape{Shape::unknown, 2, 8, 1}), Error);  // "valid" leaves no output row
}

}  // namespace
}  // namespace nnlab
