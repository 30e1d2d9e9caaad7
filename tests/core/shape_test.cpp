// Shape: sizes, the batch axis and Keras-style printing.
#include "nnlab/core/shape.hpp"

#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"

namespace nnlab {

TEST(Shape, CountsElementsAndSampleSize) {
    const Shape shape{64, 32, 32, 3};
    EXPECT_EQ(shape.rank(), 4);
    EXPECT_EQ(shape.numel(), 64 * 32 * 32 * 3);
    EXPECT_EQ(shape.sample_size(), 3072);
    EXPECT_EQ(shape.without_batch(), (Shape{32, 32, 3}));
    EXPECT_EQ(shape.with_batch(7), (Shape{7, 32, 32, 3}));
}

TEST(Shape, PrintsUnknownBatchAsNone) {
    EXPECT_EQ((Shape{Shape::unknown, 512}).to_string(), "(None, 512)");
    EXPECT_EQ((Shape{3072}).to_string(), "(3072,)");
    EXPECT_EQ((Shape{Shape::unknown, 32, 32, 3}).to_string(), "(None, 32, 32, 3)");
}

TEST(Shape, UnknownDimensionHasNoSize) {
    EXPECT_THROW((Shape{Shape::unknown, 10}).numel(), Error);
    EXPECT_EQ((Shape{Shape::unknown, 10}).sample_size(), 10);
}

}  // namespace nnlab
