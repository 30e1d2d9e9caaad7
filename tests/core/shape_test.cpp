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

// A product past max_elements (or past int64_t) is an error, never a wrapped-around size.
TEST(Shape, OverflowingSizeIsAnErrorNotAWrappedNumber) {
    EXPECT_EQ((Shape{1 << 30, 1 << 30}).numel(), int64_t{1} << 60);
    EXPECT_THROW((Shape{1 << 30, 1 << 30, 2}).numel(), Error);
    EXPECT_THROW((Shape{int64_t{1} << 62, 4, 4}).numel(), Error);  // wraps to 0 in int64_t arithmetic
    EXPECT_EQ((Shape{0, int64_t{1} << 62}).numel(), 0);
    try {
        (Shape{Shape::max_dimension, Shape::max_dimension, 4}).numel();
        FAIL() << "accepted";
    } catch (const Error& error) {
        EXPECT_STREQ(error.what(),
                     "shape (2147483647, 2147483647, 4) has more than 1152921504606846976 elements; no machine holds "
                     "a tensor that size");
    }
}

}  // namespace nnlab
