// TerminateOnNaN: a diverging fit stops instead of throwing, and a finite loss never stops anything.
#include "nnlab/train/callbacks/terminate_on_nan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/losses/mean_squared_error.hpp"
#include "nnlab/optim/sgd.hpp"
#include "tests/support/callback_driver.hpp"
#include "tests/support/synthetic_data.hpp"

namespace nnlab {
namespace {

using nnlab::testing::synthetic_images;

std::unique_ptr<Sequential> diverging_model() {
    auto model = std::make_unique<Sequential>();
    model->add(Input{{4, 4, 3}});
    model->add(Flatten());
    model->add(Dense(3));
    model->compile(SGD(1e30), MeanSquaredError(), {.seed = 1});  // a rate that overflows within a few steps
    return model;
}

TEST(TerminateOnNaN, StopsADivergingFitInsteadOfThrowing) {
    const Dataset train = synthetic_images(64, 3, Shape{4, 4, 3}, 6);
    auto model = diverging_model();
    EXPECT_THROW(model->fit(train, {.batch_size = 16, .epochs = 3}), Error);  // without the callback

    model = diverging_model();
    TerminateOnNaN terminate;
    History history;
    ASSERT_NO_THROW(history = model->fit(train, {.batch_size = 16, .epochs = 3, .callbacks = {&terminate}}));
    ASSERT_TRUE(terminate.stopped_at().has_value());
    EXPECT_EQ(terminate.stopped_at()->epoch, 0);
    EXPECT_FALSE(std::isfinite(terminate.stopped_at()->loss));
    EXPECT_LT(terminate.stopped_at()->batch, 4);
    // fit() ends the epoch it stopped in (Keras: stop_training is checked after the batch), and no more.
    EXPECT_EQ(history.size(), 1);
    EXPECT_TRUE(model->stop_training);
}

TEST(TerminateOnNaN, FiniteLossesNeverStop) {
    auto model = nnlab::testing::tiny_model();
    TerminateOnNaN terminate;
    terminate.set_model(model.get());
    terminate.on_train_begin({1, 3, 3});
    terminate.on_epoch_begin(0);
    Logs logs;
    for (double loss : {1e30, -5.0, 0.0}) {
        logs.set("loss", loss);
        terminate.on_batch_end(0, logs);
    }
    EXPECT_FALSE(model->stop_training);
    EXPECT_FALSE(terminate.stopped_at().has_value());
    logs.set("loss", -std::numeric_limits<double>::infinity());
    terminate.on_epoch_begin(2);
    terminate.on_batch_end(7, logs);
    EXPECT_TRUE(model->stop_training);
    ASSERT_TRUE(terminate.stopped_at().has_value());
    EXPECT_EQ(terminate.stopped_at()->epoch, 2);
    EXPECT_EQ(terminate.stopped_at()->batch, 7);
}

}  // namespace
}  // namespace nnlab
