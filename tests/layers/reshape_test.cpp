// Reshape: target shapes with and without −1, values and gradients unchanged, errors naming both shapes.
#include "nnlab/layers/reshape.hpp"

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

TEST(Reshape, InfersTheOneUnknownSize) {
    Reshape reshape({3, -1});
    EXPECT_EQ(reshape.build(Shape{Shape::unknown, 12}), (Shape{Shape::unknown, 3, 4}));
    Reshape image({4, 4, 3});
    EXPECT_EQ(image.build(Shape{Shape::unknown, 48}), (Shape{Shape::unknown, 4, 4, 3}));
    Reshape flat({-1});
    EXPECT_EQ(flat.build(Shape{Shape::unknown, 2, 3, 5}), (Shape{Shape::unknown, 30}));
    EXPECT_EQ(reshape.config(), nlohmann::json({{"target_shape", {3, -1}}}));
}

TEST(Reshape, KeepsValuesInRowMajorOrder) {
    Reshape reshape({3, 2});
    EXPECT_THAT(values(forward_once(reshape, Shape{1, 2, 3}, {1, 2, 3, 4, 5, 6})), ElementsAre(1, 2, 3, 4, 5, 6));
    Tensor dy(Shape{1, 3, 2}), dx(Shape{1, 2, 3});
    set_values(dy, {6, 5, 4, 3, 2, 1});
    reshape.backward(dy, dx);
    EXPECT_THAT(values(dx), ElementsAre(6, 5, 4, 3, 2, 1));
}

TEST(Reshape, GradientsMatchCentralDifferences) {
    Reshape reshape({5, -1, 2});
    EXPECT_LAYER_GRADIENTS_OK(reshape, Shape{3, 4, 5});
}

TEST(Reshape, RejectsBadTargetShapes) {
    for (const std::vector<int64_t>& target : {std::vector<int64_t>{-1, -1}, {0, 4}, {-2}, {}}) {
        try {
            Reshape reshape(target);
            FAIL() << "expected an error";
        } catch (const KeyError& error) {
            EXPECT_EQ(error.key(), "target_shape");
        }
    }
}

TEST(Reshape, RejectsSizeMismatchNamingBothShapes) {
    Reshape reshape({5});
    reshape.set_name("reshape");
    try {
        reshape.build(Shape{Shape::unknown, 3, 4});
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_THAT(error.what(), HasSubstr("reshape (Reshape)"));
        EXPECT_THAT(error.what(), HasSubstr("(None, 3, 4)"));
        EXPECT_THAT(error.what(), HasSubstr("(5,)"));
    }
    Reshape indivisible({5, -1});
    EXPECT_THROW(indivisible.build(Shape{Shape::unknown, 12}), Error);
}

}  // namespace
}  // namespace nnlab
