// LayerNames: Keras's automatic layer names, and one name per layer.
#include "nnlab/layers/layer_names.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nnlab {
namespace {

TEST(LayerNames, KerasNamesInOrderSkippingTakenOnes) {
    LayerNames names;
    EXPECT_EQ(names.unique("Dense"), "dense");
    EXPECT_TRUE(names.take("dense"));
    EXPECT_EQ(names.unique("Dense"), "dense_1");
    EXPECT_TRUE(names.take("dense_1"));
    EXPECT_TRUE(names.take("dense_3"));  // a name the user gave
    EXPECT_EQ(names.unique("Dense"), "dense_2");
    EXPECT_TRUE(names.take("dense_2"));
    EXPECT_EQ(names.unique("Dense"), "dense_4");
    EXPECT_FALSE(names.take("dense"));
    EXPECT_TRUE(names.is_taken("dense_3"));
    EXPECT_FALSE(names.is_taken("dense_4"));  // unique() does not take
}

TEST(LayerNames, SnakeCaseAsKeras) {
    LayerNames names;
    EXPECT_EQ(names.unique("Conv2D"), "conv2d");
    EXPECT_EQ(names.unique("MaxPooling2D"), "max_pooling2d");
    EXPECT_EQ(names.unique("BatchNormalization"), "batch_normalization");
    EXPECT_EQ(names.unique("GlobalAveragePooling2D"), "global_average_pooling2d");
    EXPECT_EQ(names.unique("ZeroPadding2D"), "zero_padding2d");
}

// Each name costs the same however many came before (a model file may hold thousands of layers).
TEST(LayerNames, TenThousandOfOneTypeAreNumberedInOrder) {
    LayerNames names;
    std::string last;
    for (int i = 0; i < 10000; ++i) {
        last = names.unique("Activation");
        ASSERT_TRUE(names.take(last));
    }
    EXPECT_EQ(last, "activation_9999");
}

}  // namespace
}  // namespace nnlab
