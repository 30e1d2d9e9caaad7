// Rescaling: y = x · scale + offset on any shape, dx = dy · scale, non-finite factors refused.
#include "nnlab/layers/rescaling.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "nnlab/core/error.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/layer_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using namespace nnlab::testing;

TEST(Rescaling, ScalesThenOffsetsEveryValue) {
    Rescaling pixels(1.0 / 127.5, -1.0);  // Keras's recipe for [0, 255] → [-1, 1]
    EXPECT_EQ(pixels.build(Shape{Shape::unknown, 2, 1, 2}), (Shape{Shape::unknown, 2, 1, 2}));
    EXPECT_THAT(values(forward_once(pixels, Shape{1, 2, 1, 2}, {0, 127.5, 255, 51})),
                ::testing::Pointwise(::testing::FloatNear(1e-6f), std::vector<float>{-1, 0, 1, -0.6f}));
    EXPECT_EQ(pixels.config(), nlohmann::json({{"scale", 1.0 / 127.5}, {"offset", -1.0}}));
}

TEST(Rescaling, BackwardScalesTheGradientAndIgnoresTheOffset) {
    Rescaling logits(0.125, 3.0);
    forward_once(logits, Shape{1, 3}, {1, 2, 3});
    Tensor dy(Shape{1, 3}), dx(Shape{1, 3});
    set_values(dy, {8, -16, 0.5});
    logits.backward(dy, dx);
    EXPECT_THAT(values(dx), ElementsAre(1.0f, -2.0f, 0.0625f));
}

TEST(Rescaling, GradientsMatchCentralDifferences) {
    Rescaling rescaling(-0.75, 0.5);
    EXPECT_LAYER_GRADIENTS_OK(rescaling, Shape{3, 2, 5});
}

TEST(Rescaling, RefusesFactorsThatAreNotFinite) {
    EXPECT_THROW(Rescaling(std::numeric_limits<double>::infinity()), KeyError);
    try {
        Rescaling(1.0, std::numeric_limits<double>::quiet_NaN());
        FAIL() << "expected an error";
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "offset");
    }
}

}  // namespace
}  // namespace nnlab
