// BatchNormalization: Keras's parameters and defaults, batch statistics in training, moving statistics in
// inference and their update, gradients on rank 2 and 4, errors.
#include "nnlab/layers/batch_normalization.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/activation.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/layer_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatNear;
using ::testing::HasSubstr;
using namespace nnlab::testing;

// Four samples of two channels: channel 0 holds 1, 2, 3, 6 (mean 3, biased variance 14/4 = 3.5),
// channel 1 holds 0, 0, 4, 4 (mean 2, variance 4).
constexpr std::initializer_list<float> four_samples{1, 0, 2, 0, 3, 4, 6, 4};

TEST(BatchNormalization, DeclaresKerasParametersInKerasOrder) {
    BatchNormalization norm;
    EXPECT_EQ(norm.build(Shape{Shape::unknown, 8, 8, 16}), (Shape{Shape::unknown, 8, 8, 16}));
    const std::vector<Param*> params = norm.params();
    ASSERT_EQ(params.size(), 4u);
    const std::vector<std::tuple<std::string, std::string, bool>> expected{{"gamma", "ones", true},
                                                                           {"beta", "zeros", true},
                                                                           {"moving_mean", "zeros", false},
                                                                           {"moving_variance", "ones", false}};
    for (size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(params[i]->name, std::get<0>(expected[i]));
        EXPECT_EQ(params[i]->initializer.name, std::get<1>(expected[i]));
        EXPECT_EQ(params[i]->trainable, std::get<2>(expected[i]));
        EXPECT_EQ(params[i]->shape, (Shape{16}));
    }
    EXPECT_EQ(norm.config(),
              nlohmann::json({{"axis", -1}, {"momentum", 0.99}, {"epsilon", 1e-3}, {"center", true}, {"scale", true}}));
}

TEST(BatchNormalization, CenterAndScaleOffDropTheirParameters) {
    BatchNormalization norm({.center = false, .scale = false});
    norm.build(Shape{Shape::unknown, 3});
    const std::vector<Param*> params = norm.params();
    ASSERT_EQ(params.size(), 2u);
    EXPECT_EQ(params[0]->name, "moving_mean");
    EXPECT_EQ(params[1]->name, "moving_variance");
}

TEST(BatchNormalization, TrainingNormalisesWithTheBatchStatistics) {
    BatchNormalization norm;
    const Shape output = build_with_params(norm, Shape{4, 2});
    set_values(norm.gamma().value, {2.0f, 1.0f});
    set_values(norm.beta().value, {0.5f, -1.0f});
    Tensor x(Shape{4, 2}), y(output);
    set_values(x, four_samples);
    norm.forward(x, y, Mode::training);
    const double s0 = std::sqrt(3.5 + 1e-3), s1 = std::sqrt(4.0 + 1e-3);
    auto near = [](double v) { return FloatNear(static_cast<float>(v), 1e-5f); };
    EXPECT_THAT(values(y),
                ElementsAre(near(2 * (1 - 3) / s0 + 0.5), near(-2 / s1 - 1), near(2 * (2 - 3) / s0 + 0.5),
                            near(-2 / s1 - 1), near(0.5), near(2 / s1 - 1), near(2 * 3 / s0 + 0.5), near(2 / s1 - 1)));
}

TEST(BatchNormalization, OneTrainingStepMovesTheMovingStatistics) {
    BatchNormalization norm({.momentum = 0.9});
    const Shape output = build_with_params(norm, Shape{4, 2});
    set_values(norm.gamma().value, {1, 1});
    set_values(norm.moving_mean().value, {0.0f, 1.0f});
    set_values(norm.moving_variance().value, {1.0f, 2.0f});
    Tensor x(Shape{4, 2}), y(output);
    set_values(x, four_samples);
    norm.forward(x, y, Mode::training);
    // moving = moving·0.9 + batch·0.1, with the biased batch variance (Keras 3).
    EXPECT_THAT(values(norm.moving_mean().value), ElementsAre(FloatNear(0.3f, 1e-6f), FloatNear(1.1f, 1e-6f)));
    EXPECT_THAT(values(norm.moving_variance().value),
                ElementsAre(FloatNear(0.9f + 0.35f, 1e-6f), FloatNear(2.2f, 1e-6f)));
    // Inference leaves them alone.
    norm.forward(x, y, Mode::inference);
    EXPECT_THAT(values(norm.moving_mean().value), ElementsAre(FloatNear(0.3f, 1e-6f), FloatNear(1.1f, 1e-6f)));
}

TEST(BatchNormalization, InferenceUsesTheMovingStatistics) {
    BatchNormalization norm;
    const Shape output = build_with_params(norm, Shape{1, 1, 2, 2});
    set_values(norm.gamma().value, {2.0f, 0.5f});
    set_values(norm.beta().value, {1.0f, 0.0f});
    set_values(norm.moving_mean().value, {10.0f, -4.0f});
    set_values(norm.moving_variance().value, {4.0f - 1e-3f, 0.25f - 1e-3f});  // so that √(var + ε) is 2 and 0.5
    // x = (12, −3) and (8, −5): 2·(12 − 10)/2 + 1 = 3, 0.5·(−3 + 4)/0.5 = 1, 2·(−2)/2 + 1 = −1, 0.5·(−1)/0.5 = −1.
    EXPECT_THAT(values(forward_once(norm, Shape{1, 1, 2, 2}, {12, -3, 8, -5}, output)),
                ElementsAre(FloatNear(3, 1e-4f), FloatNear(1, 1e-4f), FloatNear(-1, 1e-4f), FloatNear(-1, 1e-4f)));
}

TEST(BatchNormalization, GradientsMatchCentralDifferences) {
    BatchNormalization rank2;
    EXPECT_LAYER_GRADIENTS_OK(rank2, Shape{5, 3});
    BatchNormalization rank4;
    EXPECT_LAYER_GRADIENTS_OK(rank4, Shape{2, 3, 4, 5});
    BatchNormalization odd({.momentum = 0.5, .epsilon = 1e-2});
    EXPECT_LAYER_GRADIENTS_OK(odd, Shape{3, 1, 5, 17});
    BatchNormalization plain({.center = false, .scale = false});
    EXPECT_LAYER_GRADIENTS_OK(plain, Shape{3, 2, 2, 3});
}

TEST(BatchNormalization, DoesNotNeedAnInputGradient) {
    BatchNormalization norm;
    const Shape output = build_with_params(norm, Shape{3, 2});
    Tensor x(Shape{3, 2}), y(output), dy(output), none;
    set_values(x, {1, 2, 3, 5, 4, 4});
    set_values(dy, {1, 0, 0, 1, 2, 1});
    norm.forward(x, y, Mode::training);
    norm.backward(dy, none);
    EXPECT_FLOAT_EQ(norm.beta().grad[0], 3.0f);  // Σ dy of channel 0
    EXPECT_FLOAT_EQ(norm.beta().grad[1], 2.0f);
}

TEST(BatchNormalization, SynchronisedInOneProcessIsPlainBatchNorm) {
    // Keras writes synchronized only when set; with no other rank there is nothing to sum, and the results are
    // the plain layer's bit for bit (tests/mpi checks the sums over ranks).
    BatchNormalizationOptions synchronized_options;
    synchronized_options.synchronized = true;
    BatchNormalization plain, synchronized(synchronized_options);
    EXPECT_EQ(synchronized.config()["synchronized"], true);
    EXPECT_FALSE(plain.config().contains("synchronized"));
    const Shape shape{3, 2, 2, 3};
    const Shape output = build_with_params(plain, shape);
    build_with_params(synchronized, shape);
    Tensor x(shape), dy(output);
    for (int64_t i = 0; i < x.numel(); ++i) x[i] = std::sin(0.7f * static_cast<float>(i)), dy[i] = 0.1f * (i % 5);
    Tensor y_plain(output), y_synchronized(output), dx_plain(shape), dx_synchronized(shape);
    plain.forward(x, y_plain, Mode::training);
    synchronized.forward(x, y_synchronized, Mode::training);
    plain.backward(dy, dx_plain);
    synchronized.backward(dy, dx_synchronized);
    for (int64_t i = 0; i < y_plain.numel(); ++i) {
        EXPECT_EQ(y_synchronized[i], y_plain[i]) << i;
        EXPECT_EQ(dx_synchronized[i], dx_plain[i]) << i;
    }
    EXPECT_LAYER_GRADIENTS_OK(synchronized, shape);
}

// A batch norm that takes over the activation after it (Sequential's fusion) computes that activation of its output,
// forward and backward, in training, inference and frozen; the activation then passes its input through.
TEST(BatchNormalization, FusedWithTheNextActivationIsBatchNormThenTheActivation) {
    const Shape shape{4, 3, 3, 5};
    for (const char* kind : {"gelu", "relu"}) {
        for (bool trainable : {true, false}) {
            SCOPED_TRACE(std::string(kind) + (trainable ? ", trainable" : ", frozen"));
            BatchNormalization fused({.momentum = 0.6}), apart({.momentum = 0.6});
            Activation taken(kind), after(kind);
            ASSERT_TRUE(fused.fuse_next(taken));
            EXPECT_TRUE(taken.done_before());
            for (BatchNormalization* norm : {&fused, &apart}) {
                build_with_params(*norm, shape);
                for (int64_t j = 0; j < 5; ++j) {
                    norm->gamma().value[j] = 0.5f + 0.2f * static_cast<float>(j);
                    norm->beta().value[j] = 0.3f * static_cast<float>(j) - 0.5f;
                    norm->moving_mean().value[j] = 0.1f * static_cast<float>(j);
                    norm->moving_variance().value[j] = 1.0f + 0.5f * static_cast<float>(j);
                }
                norm->set_trainable(trainable);
            }
            Tensor x(shape), dy(shape);
            for (int64_t i = 0; i < x.numel(); ++i)
                x[i] = 2.0f * std::sin(0.37f * static_cast<float>(i)) + 0.1f * static_cast<float>(i % 5),
                dy[i] = 0.1f * static_cast<float>(i % 7) - 0.3f;
            // Kept past the loop: backward reads views of them.
            Tensor y_fused(shape), y_taken(shape), z(shape), y_apart(shape);
            for (Mode mode : {Mode::inference, Mode::training}) {
                fused.forward(x, y_fused, mode);
                taken.forward(y_fused, y_taken, mode);
                apart.forward(x, z, mode);
                after.forward(z, y_apart, mode);
                for (int64_t i = 0; i < x.numel(); ++i) {
                    ASSERT_NEAR(y_fused[i], y_apart[i], 2e-6) << i;
                    ASSERT_EQ(y_taken[i], y_fused[i]) << i;
                }
            }
            Tensor dz(shape), dx_taken(shape), dx_fused(shape), dx_apart(shape);
            taken.backward(dy, dx_taken);
            fused.backward(dx_taken, dx_fused);
            after.backward(dy, dz);
            apart.backward(dz, dx_apart);
            for (int64_t i = 0; i < x.numel(); ++i) {
                ASSERT_EQ(dx_taken[i], dy[i]) << i;
                ASSERT_NEAR(dx_fused[i], dx_apart[i], 2e-5) << i;
            }
            for (int64_t j = 0; j < 5; ++j) {
                EXPECT_NEAR(fused.gamma().grad[j], apart.gamma().grad[j], 2e-5) << j;
                EXPECT_NEAR(fused.beta().grad[j], apart.beta().grad[j], 2e-5) << j;
            }
        }
    }
}

TEST(BatchNormalization, FusedWithTheNextActivationGradientsMatchCentralDifferences) {
    for (const char* kind : {"gelu", "relu"}) {
        SCOPED_TRACE(kind);
        BatchNormalization norm;
        Activation next(kind);
        ASSERT_TRUE(norm.fuse_next(next));
        EXPECT_LAYER_GRADIENTS_OK(norm, Shape{2, 3, 4, 5});
        BatchNormalization plain({.center = false, .scale = false});
        Activation plain_next(kind);
        ASSERT_TRUE(plain.fuse_next(plain_next));
        EXPECT_LAYER_GRADIENTS_OK(plain, Shape{7, 3});
    }
}

TEST(BatchNormalization, FusesOnlyReluGeluAndLinearAndNotWhenSynchronized) {
    BatchNormalization norm;
    for (const char* kind : {"tanh", "softmax", "swish", "sigmoid"}) {
        Activation next(kind);
        EXPECT_FALSE(norm.fuse_next(next)) << kind;
        EXPECT_FALSE(next.done_before()) << kind;
    }
    BatchNormalization synchronized({.synchronized = true});
    Activation gelu("gelu");
    EXPECT_FALSE(synchronized.fuse_next(gelu));
    Activation relu("relu");
    ASSERT_TRUE(norm.fuse_next(relu));
    norm.unfuse();
    EXPECT_FALSE(relu.done_before());
}

TEST(BatchNormalization, RejectsUnsupportedAxisRankAndOptions) {
    BatchNormalization channels_first({.axis = 1});
    try {
        channels_first.build(Shape{Shape::unknown, 3, 32, 32});
        FAIL() << "expected an error";
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "axis");
        EXPECT_THAT(error.what(), HasSubstr("last"));
    }
    BatchNormalization last({.axis = 3});  // the same axis as −1 on rank 4
    EXPECT_NO_THROW(last.build(Shape{Shape::unknown, 3, 32, 32}));
    BatchNormalization norm;
    EXPECT_THROW(norm.build(Shape{Shape::unknown}), Error);
    try {
        BatchNormalization({.momentum = 1.5});
        FAIL() << "expected an error";
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "momentum");
    }
    try {
        BatchNormalization({.epsilon = 0.0});
        FAIL() << "expected an error";
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "epsilon");
    }
}

}  // namespace
}  // namespace nnlab
