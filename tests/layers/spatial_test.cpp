// Keras's output-size and padding rule shared by the convolution and pooling layers.
#include "nnlab/layers/spatial.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tuple>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;

TEST(SpatialRule, AxisExtentsFollowKeras) {
    // valid: floor((in − span)/stride) + 1; same: ceil(in/stride) with the odd pixel after.
    auto extent = [](int64_t in, int64_t k, int64_t s, int64_t d, Padding p) {
        const AxisExtent e = axis_extent(in, k, s, d, p);
        return std::tuple{e.size, e.pad_before, e.pad_after};
    };
    EXPECT_EQ(extent(7, 3, 1, 1, Padding::valid), std::tuple(5, 0, 0));
    EXPECT_EQ(extent(7, 3, 2, 1, Padding::valid), std::tuple(3, 0, 0));
    EXPECT_EQ(extent(8, 3, 2, 1, Padding::valid), std::tuple(3, 0, 0));
    EXPECT_EQ(extent(7, 3, 1, 2, Padding::valid), std::tuple(3, 0, 0));
    EXPECT_EQ(extent(2, 3, 1, 1, Padding::valid), std::tuple(0, 0, 0));
    EXPECT_EQ(extent(2, 5, 2, 1, Padding::valid), std::tuple(-1, 0, 0));
    EXPECT_EQ(extent(7, 3, 1, 1, Padding::same), std::tuple(7, 1, 1));
    EXPECT_EQ(extent(7, 2, 1, 1, Padding::same), std::tuple(7, 0, 1));
    EXPECT_EQ(extent(7, 3, 2, 1, Padding::same), std::tuple(4, 1, 1));
    EXPECT_EQ(extent(8, 3, 2, 1, Padding::same), std::tuple(4, 0, 1));
    EXPECT_EQ(extent(32, 3, 2, 1, Padding::same), std::tuple(16, 0, 1));
    EXPECT_EQ(extent(7, 3, 1, 2, Padding::same), std::tuple(7, 2, 2));
    EXPECT_EQ(extent(5, 1, 2, 1, Padding::same), std::tuple(3, 0, 0));
    EXPECT_EQ(padding_from_name("Same"), Padding::same);
    EXPECT_THROW(padding_from_name("causal"), KeyError);
}

TEST(SpatialRule, ChecksNameTheKeyAndTheSizes) {
    EXPECT_THROW(require_positive_pair("strides", {1, 0}), KeyError);
    EXPECT_NO_THROW(require_strides_or_dilation({2, 2}, {1, 1}));
    EXPECT_NO_THROW(require_strides_or_dilation({1, 1}, {3, 2}));
    EXPECT_THROW(require_strides_or_dilation({1, 2}, {2, 1}), KeyError);
    EXPECT_EQ(image_size(Shape{Shape::unknown, 7, 5, 3}, ""), (HeightWidth{7, 5}));
    EXPECT_THROW(image_size(Shape{Shape::unknown, 7, 5}, ""), Error);
    const SpatialDims out = out_size({4, 4}, {3, 3}, {1, 1}, {2, 2}, Padding::valid);
    try {
        require_output(out, {4, 4}, {3, 3}, {2, 2}, Padding::valid, "layer c (Conv2D): ");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_THAT(error.what(), HasSubstr("layer c (Conv2D): the output would be 0×0"));
        EXPECT_THAT(error.what(), HasSubstr("5×5 with dilation_rate 2×2"));
    }
}

}  // namespace
}  // namespace nnlab
