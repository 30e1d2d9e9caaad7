// GlobalAveragePooling2D and GlobalMaxPooling2D: values per channel, keepdims, gradients, errors.
#include "nnlab/layers/global_pooling2d.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/layer_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using namespace nnlab::testing;

// Two samples of 2×2 with two channels; channel 0 holds 1..4 and 10,20,30,40, channel 1 their negatives.
constexpr std::initializer_list<float> two_samples{1, -1, 2, -2, 3, -3, 4, -4, 10, -10, 20, -20, 30, -30, 40, -40};

TEST(GlobalAveragePooling2D, AveragesEachChannelOverTheImage) {
    GlobalAveragePooling2D pool;
    EXPECT_EQ(pool.build(Shape{Shape::unknown, 2, 2, 2}), (Shape{Shape::unknown, 2}));
    EXPECT_THAT(values(forward_once(pool, Shape{2, 2, 2, 2}, two_samples)), ElementsAre(2.5f, -2.5f, 25, -25));
}

TEST(GlobalMaxPooling2D, TakesEachChannelsMaximum) {
    GlobalMaxPooling2D pool;
    EXPECT_THAT(values(forward_once(pool, Shape{2, 2, 2, 2}, two_samples)), ElementsAre(4, -1, 40, -10));
}

TEST(GlobalPooling2D, KeepdimsKeepsOneByOne) {
    GlobalAveragePooling2D average(true);
    EXPECT_EQ(average.build(Shape{Shape::unknown, 5, 7, 3}), (Shape{Shape::unknown, 1, 1, 3}));
    EXPECT_EQ(average.config(), nlohmann::json({{"keepdims", true}}));
    GlobalMaxPooling2D max;
    EXPECT_EQ(max.build(Shape{Shape::unknown, 5, 7, 3}), (Shape{Shape::unknown, 3}));
    EXPECT_EQ(max.config(), nlohmann::json({{"keepdims", false}}));
}

TEST(GlobalMaxPooling2D, GradientGoesToTheFirstMaximum) {
    GlobalMaxPooling2D pool;
    const Shape output = build_with_params(pool, Shape{1, 2, 2, 1});
    Tensor x(Shape{1, 2, 2, 1}), y(output), dy(output), dx(Shape{1, 2, 2, 1});
    set_values(x, {0, 5, 5, 1});  // tie at (0, 1) and (1, 0): row-major order reaches (0, 1) first
    set_values(dy, {3});
    pool.forward(x, y, Mode::training);
    pool.backward(dy, dx);
    EXPECT_THAT(values(dx), ElementsAre(0, 3, 0, 0));
}

TEST(GlobalPooling2D, GradientsMatchCentralDifferences) {
    GlobalAveragePooling2D average;
    EXPECT_LAYER_GRADIENTS_OK(average, Shape{3, 5, 7, 17});
    GlobalMaxPooling2D max;
    EXPECT_LAYER_GRADIENTS_OK(max, Shape{3, 5, 7, 17});
    GlobalMaxPooling2D kept(true);
    EXPECT_LAYER_GRADIENTS_OK(kept, Shape{2, 3, 1, 4});
}

TEST(GlobalPooling2D, RejectsWrongRank) {
    GlobalAveragePooling2D average;
    EXPECT_THROW(average.build(Shape{Shape::unknown, 10}), Error);
    GlobalMaxPooling2D max;
    EXPECT_THROW(max.build(Shape{Shape::unknown, 4, 4, 4, 4}), Error);
}

}  // namespace
}  // namespace nnlab
