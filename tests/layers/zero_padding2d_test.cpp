// ZeroPadding2D: the three Keras forms, values, gradients and errors.
#include "nnlab/layers/zero_padding2d.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/layer_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using namespace nnlab::testing;

TEST(ZeroPadding2D, PadsEachSideAsAsked) {
    ZeroPadding2D pad({{{1, 0}, {0, 2}}});  // one row above, two columns right
    EXPECT_EQ(pad.build(Shape{Shape::unknown, 2, 2, 1}), (Shape{Shape::unknown, 3, 4, 1}));
    EXPECT_THAT(values(forward_once(pad, Shape{1, 2, 2, 1}, {1, 2, 3, 4})), ElementsAre(0, 0, 0, 0,  //
                                                                                        1, 2, 0, 0,  //
                                                                                        3, 4, 0, 0));
}

TEST(ZeroPadding2D, KeepsChannelsTogether) {
    ZeroPadding2D pad(0, 1);  // one column left and right
    EXPECT_THAT(values(forward_once(pad, Shape{1, 1, 1, 2}, {5, 6})), ElementsAre(0, 0, 5, 6, 0, 0));
}

TEST(ZeroPadding2D, TakesKerasForms) {
    ZeroPadding2D keras_default;
    EXPECT_EQ(keras_default.build(Shape{Shape::unknown, 32, 32, 3}), (Shape{Shape::unknown, 34, 34, 3}));
    ZeroPadding2D pair(2, 3);
    EXPECT_EQ(pair.build(Shape{Shape::unknown, 5, 5, 1}), (Shape{Shape::unknown, 9, 11, 1}));
    EXPECT_EQ(pair.config(), nlohmann::json({{"padding", {{2, 2}, {3, 3}}}}));
    ZeroPadding2D full({{{1, 2}, {3, 4}}});
    EXPECT_EQ(full.config(), nlohmann::json({{"padding", {{1, 2}, {3, 4}}}}));
}

TEST(ZeroPadding2D, BackwardCropsTheGradient) {
    ZeroPadding2D pad({{{0, 1}, {1, 0}}});
    const Shape output = build_with_params(pad, Shape{1, 2, 2, 1});
    Tensor dy(output), dx(Shape{1, 2, 2, 1});
    // Output rows: [a b c] [d e f] [g h i] with the input at rows 0–1, columns 1–2.
    set_values(dy, {1, 2, 3, 4, 5, 6, 7, 8, 9});
    pad.backward(dy, dx);
    EXPECT_THAT(values(dx), ElementsAre(2, 3, 5, 6));
}

TEST(ZeroPadding2D, GradientsMatchCentralDifferences) {
    ZeroPadding2D pad({{{1, 2}, {0, 3}}});
    EXPECT_LAYER_GRADIENTS_OK(pad, Shape{2, 3, 5, 3});
}

TEST(ZeroPadding2D, RejectsNegativePaddingAndWrongRank) {
    try {
        ZeroPadding2D pad({{{1, -1}, {0, 0}}});
        FAIL() << "expected an error";
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "padding");
    }
    EXPECT_THROW(ZeroPadding2D(-2), KeyError);
    ZeroPadding2D pad;
    EXPECT_THROW(pad.build(Shape{Shape::unknown, 28, 28}), Error);
}

}  // namespace
}  // namespace nnlab
