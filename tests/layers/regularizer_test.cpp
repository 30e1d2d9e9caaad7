// Regularizers: hand-computed penalties and gradients, config forms, and their effect inside a model.
#include "nnlab/layers/regularizer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/losses/loss.hpp"
#include "nnlab/optim/optimizer.hpp"
#include "nnlab/train/sequential.hpp"
#include "tests/support/layer_helpers.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatNear;
using namespace nnlab::testing;

TEST(Regularizer, PenaltyAndGradientByHand) {
    Tensor w(Shape{3});
    set_values(w, {1, -2, 3});
    const Regularizer r{.l1 = 0.1, .l2 = 0.01};
    // 0.1·(1 + 2 + 3) + 0.01·(1 + 4 + 9)
    EXPECT_NEAR(r.penalty(w), 0.74, 1e-12);
    Tensor g(Shape{3});
    set_values(g, {1, 1, 1});
    r.add_gradient(w, g);  // += 0.1·sign(w) + 0.02·w
    EXPECT_THAT(values(g), ElementsAre(FloatNear(1.12f, 1e-6), FloatNear(0.86f, 1e-6), FloatNear(1.16f, 1e-6)));
}

// The description `value` under `key`, read as a regularizer.
Regularizer read_regularizer(const std::string& key, const nlohmann::json& value) {
    return regularizer_from(config::Reader(value, key));
}

TEST(Regularizer, ConfigFormsFollowKeras) {
    EXPECT_EQ(read_regularizer("k", "l2").l2, 0.01);
    EXPECT_EQ(read_regularizer("k", "l1").l1, 0.01);
    const Regularizer both = read_regularizer("k", {{"l1", 1e-5}, {"l2", 1e-4}});
    EXPECT_EQ(both.l1, 1e-5);
    EXPECT_EQ(both.l2, 1e-4);
    EXPECT_EQ(read_regularizer("k", regularizer_to_json(both)).l2, 1e-4);
    EXPECT_THROW(read_regularizer("kernel_regularizer", "l3"), KeyError);
    EXPECT_THROW(read_regularizer("kernel_regularizer", {{"l2", -1}}), KeyError);
    EXPECT_THROW(read_regularizer("kernel_regularizer", {{"l22", 1}}), KeyError);
}

std::unique_ptr<Sequential> one_dense_model(double l2) {
    auto model = std::make_unique<Sequential>();
    model->add(Input{{3}});
    WeightOptions options;
    options.kernel_regularizer.l2 = l2;
    model->add(Dense(2, "softmax", options));
    model->compile(make_optimizer({{"type", "sgd"}, {"learning_rate", 0.5}}), make_loss("categorical_crossentropy"),
                   {.seed = 11});
    return model;
}

// Keras adds the penalty to the loss it reports and its gradient to the kernel's.
TEST(Regularizer, JoinsTheLossAndTheGradientInAModel) {
    auto plain = one_dense_model(0.0), regularized = one_dense_model(0.05);
    Tensor x(Shape{2, 3}), y(Shape{2, 2});
    set_values(x, {0.5f, -1.0f, 2.0f, 1.0f, 0.0f, -0.5f});
    set_values(y, {1, 0, 0, 1});
    Param& kernel = *regularized->params()[0];
    const Tensor w0 = kernel.value.clone();
    double squares = 0;
    for (float v : w0.values()) squares += double{v} * v;

    const double plain_loss = plain->train_step(x, y);
    const double regularized_loss = regularized->train_step(x, y);
    EXPECT_NEAR(regularized_loss - plain_loss, 0.05 * squares, 1e-6);
    // SGD: the difference in the step is lr · 2 · l2 · w0.
    const Param& plain_kernel = *plain->params()[0];
    for (int64_t i = 0; i < w0.numel(); ++i)
        EXPECT_NEAR(kernel.value[i] - plain_kernel.value[i], -0.5 * 2 * 0.05 * w0[i], 1e-6) << i;
    // The bias is not regularised: same step in both.
    EXPECT_EQ(regularized->params()[1]->value[0], plain->params()[1]->value[0]);
}

}  // namespace
}  // namespace nnlab
