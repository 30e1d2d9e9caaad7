// Activation and Flatten: hand-computed values and gradients.
#include "nnlab/layers/activation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/layers/flatten.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/layer_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatNear;
using namespace nnlab::testing;

TEST(Activation, HandComputedValues) {
    Activation relu("relu");
    EXPECT_THAT(values(forward_once(relu, Shape{1, 3}, {-1, 0, 2})), ElementsAre(0.0f, 0.0f, 2.0f));
    Activation tanh_layer("tanh");
    EXPECT_THAT(values(forward_once(tanh_layer, Shape{1, 2}, {0, 1})), ElementsAre(0.0f, FloatNear(0.7615942f, 1e-6)));
    Activation sigmoid("sigmoid");
    EXPECT_THAT(values(forward_once(sigmoid, Shape{1, 2}, {0, 2})), ElementsAre(0.5f, FloatNear(0.8807971f, 1e-6)));
    // softmax([1, 1, 1 + ln 2]) = [1/4, 1/4, 1/2]
    Activation softmax("softmax");
    EXPECT_THAT(values(forward_once(softmax, Shape{1, 3}, {1, 1, 1.6931472f})),
                ElementsAre(FloatNear(0.25f, 1e-6), FloatNear(0.25f, 1e-6), FloatNear(0.5f, 1e-6)));
    Activation linear("linear");
    EXPECT_THAT(values(forward_once(linear, Shape{1, 2}, {-3, 4})), ElementsAre(-3.0f, 4.0f));
}

// Keras's functions: leaky_relu slope 0.2, elu alpha 1, exact gelu x·Φ(x), swish x·σ(x), softplus log(1 + eˣ).
TEST(Activation, HandComputedValuesOfTheSmoothOnes) {
    Activation leaky("leaky_relu");
    EXPECT_THAT(values(forward_once(leaky, Shape{1, 2}, {-1, 2})), ElementsAre(FloatNear(-0.2f, 1e-7), 2.0f));
    Activation elu("elu");
    EXPECT_THAT(values(forward_once(elu, Shape{1, 2}, {-1, 2})), ElementsAre(FloatNear(-0.6321206f, 1e-6), 2.0f));
    Activation gelu("gelu");
    EXPECT_THAT(values(forward_once(gelu, Shape{1, 2}, {1, -1})),
                ElementsAre(FloatNear(0.8413447f, 1e-6), FloatNear(-0.1586553f, 1e-6)));
    Activation swish("silu");
    EXPECT_EQ(swish.kind(), ActivationKind::swish);
    EXPECT_THAT(values(forward_once(swish, Shape{1, 2}, {1, -2})),
                ElementsAre(FloatNear(0.7310586f, 1e-6), FloatNear(-0.2384058f, 1e-6)));
    Activation softplus("softplus");
    EXPECT_THAT(values(forward_once(softplus, Shape{1, 3}, {0, 2, -100})),
                ElementsAre(FloatNear(0.6931472f, 1e-6), FloatNear(2.1269280f, 1e-6), FloatNear(0.0f, 1e-30)));
}

TEST(Activation, GradientsMatchCentralDifferences) {
    for (const char* name :
         {"linear", "relu", "tanh", "sigmoid", "softmax", "leaky_relu", "elu", "gelu", "swish", "softplus"}) {
        Activation layer(name);
        EXPECT_LAYER_GRADIENTS_OK(layer, Shape{3, 17}) << name;
    }
}

// Keras's softmax normalises the last axis: on images, each pixel's channels, not the whole image.
TEST(Activation, SoftmaxOfImagesIsOverEachPixelsChannels) {
    Activation softmax("softmax");
    // Two pixels of two channels: softmax([0, ln 3]) = [1/4, 3/4] and softmax([5, 5]) = [1/2, 1/2].
    EXPECT_THAT(
        values(forward_once(softmax, Shape{1, 1, 2, 2}, {0, 1.0986123f, 5, 5})),
        ElementsAre(FloatNear(0.25f, 1e-6), FloatNear(0.75f, 1e-6), FloatNear(0.5f, 1e-6), FloatNear(0.5f, 1e-6)));
    Activation again("softmax");
    EXPECT_LAYER_GRADIENTS_OK(again, Shape{2, 3, 2, 4});
}

TEST(Activation, OnlySoftmaxTakesLogitGradients) {
    EXPECT_TRUE(Activation("softmax").ends_in_softmax());
    EXPECT_FALSE(Activation("relu").ends_in_softmax());
}

TEST(Flatten, KeepsChannelsLastOrder) {
    Flatten flatten;
    EXPECT_EQ(flatten.build(Shape{Shape::unknown, 2, 2, 3}), (Shape{Shape::unknown, 12}));
    EXPECT_THAT(values(forward_once(flatten, Shape{1, 1, 2, 2}, {1, 2, 3, 4})), ElementsAre(1, 2, 3, 4));
    Flatten again;
    EXPECT_LAYER_GRADIENTS_OK(again, Shape{2, 3, 3, 2});
}

}  // namespace
}  // namespace nnlab
