// DepthwiseConv2D: hand-computed output, Keras shapes, parameter and config keys, gradients and errors.
#include "nnlab/layers/depthwise_conv2d.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/layer_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace nnlab::testing;

TEST(DepthwiseConv2D, ForwardKeepsChannelsApart) {
    // A 2×2 image with channels [1 2 3 4] and [10 20 30 40], a 2×2 kernel and two filters per channel.
    DepthwiseConv2D conv({2, 2}, {.depth_multiplier = 2});
    const Shape output = build_with_params(conv, Shape{1, 2, 2, 2});
    ASSERT_EQ(output, (Shape{1, 1, 1, 4}));
    // (kh, kw, channel, multiplier); per tap: [c0 m0, c0 m1, c1 m0, c1 m1].
    set_values(conv.depthwise_kernel().value, {1, 1, 0, 1,   //
                                               1, 0, 0, -1,  //
                                               1, 0, 0, 1,   //
                                               1, 0, 1, -1});
    set_values(conv.bias().value, {0, 0, 0, 0.5f});
    // Output channel c·2 + m: sum of channel 0, its top-left pixel, channel 1's bottom-right, 10 − 20 + 30 − 40.
    EXPECT_THAT(values(forward_once(conv, Shape{1, 2, 2, 2}, {1, 10, 2, 20, 3, 30, 4, 40}, output)),
                ElementsAre(10, 1, 40, -19.5f));
}

TEST(DepthwiseConv2D, SamePaddingAndStridesOnOddSizes) {
    DepthwiseConv2D conv({3, 3}, {.strides = {2, 2}, .padding = "same", .depth_multiplier = 3});
    EXPECT_EQ(conv.build(Shape{Shape::unknown, 7, 5, 4}), (Shape{Shape::unknown, 4, 3, 12}));
    DepthwiseConv2D valid({3, 3}, {.dilation_rate = {2, 2}});
    EXPECT_EQ(valid.build(Shape{Shape::unknown, 7, 5, 4}), (Shape{Shape::unknown, 3, 1, 4}));
}

TEST(DepthwiseConv2D, DeclaresKerasParametersAndConfig) {
    DepthwiseConv2D conv({3, 3}, {.padding = "same", .depth_multiplier = 2, .activation = "relu"});
    EXPECT_EQ(conv.type(), "DepthwiseConv2D");
    conv.build(Shape{Shape::unknown, 32, 32, 16});
    EXPECT_EQ(conv.depthwise_kernel().name, "depthwise_kernel");
    EXPECT_EQ(conv.depthwise_kernel().shape, (Shape{3, 3, 16, 2}));
    EXPECT_EQ(conv.depthwise_kernel().initializer.name, "glorot_uniform");
    EXPECT_EQ(conv.bias().shape, (Shape{32}));
    EXPECT_EQ(conv.bias().initializer.name, "zeros");
    EXPECT_EQ(conv.config(), (nlohmann::json{{"kernel_size", {3, 3}},
                                             {"strides", {1, 1}},
                                             {"padding", "same"},
                                             {"depth_multiplier", 2},
                                             {"dilation_rate", {1, 1}},
                                             {"activation", "relu"}}));
}

TEST(DepthwiseConv2D, WeightOptionsUseKerasKeyNames) {
    const nlohmann::json spec{{"depthwise_initializer", "he_uniform"},
                              {"depthwise_regularizer", {{"l2", 0.01}}},
                              {"bias_initializer", "ones"},
                              {"use_bias", false}};
    const WeightOptions options = weight_options_from(config::Reader(spec), "depthwise");
    EXPECT_EQ(options.kernel_initializer.name, "he_uniform");
    EXPECT_TRUE(options.kernel_regularizer.active());
    EXPECT_EQ(options.bias_initializer.name, "ones");
    EXPECT_FALSE(options.use_bias);

    DepthwiseConv2D conv({3, 3}, {.weights = options});
    const nlohmann::json config = conv.config();
    EXPECT_EQ(config["depthwise_initializer"], "he_uniform");
    EXPECT_TRUE(config.contains("depthwise_regularizer"));
    EXPECT_EQ(config["bias_initializer"], "ones");
    EXPECT_EQ(config["use_bias"], false);
    EXPECT_FALSE(config.contains("kernel_initializer"));
    EXPECT_FALSE(config.contains("kernel_regularizer"));
    // What config() writes, weight_options_from(…, "depthwise") reads back.
    const WeightOptions again = weight_options_from(config::Reader(config), "depthwise");
    EXPECT_EQ(again.kernel_initializer.name, "he_uniform");
    EXPECT_TRUE(again.kernel_regularizer.active());
    EXPECT_FALSE(again.use_bias);
    const std::vector<std::string> keys = weight_option_keys("depthwise");
    for (const char* key :
         {"depthwise_initializer", "depthwise_regularizer", "bias_initializer", "bias_regularizer", "use_bias"}) {
        EXPECT_NE(std::ranges::find(keys, key), keys.end());
    }
    try {
        const nlohmann::json bad{{"depthwise_initializer", "nope"}};
        weight_options_from(config::Reader(bad), "depthwise");
        FAIL() << "expected an error";
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "depthwise_initializer");
    }
}

TEST(DepthwiseConv2D, GradientsMatchCentralDifferences) {
    DepthwiseConv2D multiplier_two({3, 3}, {.padding = "same", .depth_multiplier = 2});
    EXPECT_LAYER_GRADIENTS_OK(multiplier_two, Shape{2, 7, 5, 3});
    DepthwiseConv2D strided({3, 2}, {.strides = {2, 2}, .activation = "tanh"});
    EXPECT_LAYER_GRADIENTS_OK(strided, Shape{2, 7, 5, 3});
    DepthwiseConv2D dilated({2, 2}, {.padding = "same", .depth_multiplier = 2, .dilation_rate = {2, 2}});
    EXPECT_LAYER_GRADIENTS_OK(dilated, Shape{1, 5, 4, 2});
    DepthwiseConv2D no_bias({3, 3}, {.weights = {.use_bias = false}});
    EXPECT_LAYER_GRADIENTS_OK(no_bias, Shape{2, 5, 4, 3});
}

TEST(DepthwiseConv2D, RejectsBadInputAndArguments) {
    DepthwiseConv2D conv({3, 3});
    conv.set_name("depthwise");
    std::string message = error_message([&] { conv.build(Shape{Shape::unknown, 10}); });
    EXPECT_THAT(message, HasSubstr("depthwise (DepthwiseConv2D)"));
    EXPECT_THAT(message, HasSubstr("(None, 10)"));
    message = error_message([&] { conv.build(Shape{Shape::unknown, 2, 5, 3}); });
    EXPECT_THAT(message, HasSubstr("0×3"));
    EXPECT_THROW(DepthwiseConv2D({3, 3}, {.padding = "causal"}), KeyError);
    EXPECT_THROW(DepthwiseConv2D({3, 3}, {.strides = {1, 2}, .dilation_rate = {2, 2}}), KeyError);
    try {
        DepthwiseConv2D({3, 3}, {.depth_multiplier = 0});
        FAIL() << "expected an error";
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "depth_multiplier");
    }
}

}  // namespace
}  // namespace nnlab
