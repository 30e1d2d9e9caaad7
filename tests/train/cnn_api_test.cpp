// The README's CNN example, verbatim apart from the checks: it compiles, builds and trains a step.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/nnlab.hpp"

namespace nnlab {
namespace {

TEST(CnnApi, ReadmeExampleBuildsAndTrains) {
    Sequential cnn;
    cnn.add(Input{{32, 32, 3}});
    cnn.add(Conv2D(32, {3, 3}, {.padding = "same", .activation = "relu"}));
    cnn.add(BatchNormalization());
    cnn.add(MaxPooling2D({2, 2}));
    cnn.add(Dropout(0.25));
    LayerList block;  // a residual block: relu(conv(conv(x)) + x)
    block.push_back(std::make_unique<Conv2D>(32, std::array<int64_t, 2>{3, 3},
                                             Conv2DOptions{.padding = "same", .activation = "relu"}));
    block.push_back(std::make_unique<Conv2D>(32, std::array<int64_t, 2>{3, 3}, Conv2DOptions{.padding = "same"}));
    cnn.add(std::make_unique<Residual>(std::move(block), LayerList{}, "relu"));
    cnn.add(GlobalAveragePooling2D());
    cnn.add(Dense(10, "softmax", {.kernel_initializer = "he_normal", .kernel_regularizer = {.l2 = 1e-4}}));

    cnn.compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 3});
    EXPECT_EQ(cnn.output_shape(), (Shape{Shape::unknown, 10}));
    // conv 896 + batch norm 4·32 (64 of them moving statistics) + block 2·9,248 + dense 330
    EXPECT_EQ(cnn.count_params(), 896 + 128 + 2 * 9248 + 330);
    EXPECT_THAT(cnn.summary(), ::testing::HasSubstr("Non-trainable params: 64 (256.00 B)"));
    Tensor x(Shape{4, 32, 32, 3}), y(Shape{4, 10});
    for (int64_t i = 0; i < x.numel(); ++i) x[i] = static_cast<float>((i * 37) % 101) / 101.0f;
    for (int64_t r = 0; r < 4; ++r) y[r * 10 + r] = 1.0f;
    const double first = cnn.train_step(x, y);
    double last = first;
    for (int step = 0; step < 20; ++step) last = cnn.train_step(x, y);
    EXPECT_TRUE(std::isfinite(first));
    EXPECT_LT(last, first);
}

}  // namespace
}  // namespace nnlab
