// LookaheadEma: a hand-computed sequence of averages and copies back, its description, its saved state, and the
// callback through a real fit.
#include "nnlab/train/callbacks/lookahead_ema.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/losses/mean_squared_error.hpp"
#include "nnlab/optim/sgd.hpp"
#include "nnlab/train/callbacks/callback_registry.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {
namespace {

std::unique_ptr<Sequential> tiny_model() {
    auto model = std::make_unique<Sequential>();
    model->add(Input{{1}});
    model->add(Dense(1));
    model->compile(SGD(0.1), MeanSquaredError());
    return model;
}

void set_weights(Sequential& model, float value) {
    model.weights().block().fill(value);
}

float first_weight(Sequential& model) {
    return model.weights().block()[0];
}

TEST(LookaheadEma, AveragesEveryFewStepsFromItsEpochAndCopiesBack) {
    auto model = tiny_model();
    LookaheadEma ema({.start_epoch = 1, .every_steps = 2, .decay = 0.5, .decay_power = 1.0});
    ema.set_model(model.get());
    ema.on_train_begin({.epochs = 2, .steps_per_epoch = 4, .total_steps = 8});
    ema.on_epoch_begin(0);
    for (int64_t step = 0; step < 4; ++step) {
        set_weights(*model, float(step));
        ema.on_batch_end(step, {});
    }
    EXPECT_TRUE(ema.average().empty()) << "epoch 0 is before start_epoch";
    ema.on_epoch_end(0, {});
    EXPECT_EQ(first_weight(*model), 3.0f);
    ema.on_epoch_begin(1);
    set_weights(*model, 1.0f);
    ema.on_batch_end(0, {});  // run step 5: not a multiple of 2
    EXPECT_TRUE(ema.average().empty());
    set_weights(*model, 2.0f);
    ema.on_batch_end(1, {});  // run step 6: the average starts as the weights
    ASSERT_FALSE(ema.average().empty());
    EXPECT_EQ(ema.average()[0], 2.0f);
    EXPECT_EQ(first_weight(*model), 2.0f);
    set_weights(*model, 4.0f);
    ema.on_batch_end(2, {});  // run step 7: nothing
    EXPECT_EQ(first_weight(*model), 4.0f);
    // Run step 8 of 8: ρ = 0.5² · (8/8)¹ = 0.25; ema = 2 + 0.75·(4 − 2) = 3.5, and the weights take it.
    EXPECT_DOUBLE_EQ(ema.rho(8, 8), 0.25);
    EXPECT_DOUBLE_EQ(ema.rho(4, 8), 0.125);
    ema.on_batch_end(3, {});
    EXPECT_EQ(ema.average()[0], 3.5f);
    EXPECT_EQ(first_weight(*model), 3.5f);
    // Every weight of the arena, the bias included.
    for (float w : model->weights().block().values()) EXPECT_EQ(w, 3.5f);
    set_weights(*model, 10.0f);
    ema.on_epoch_end(1, {});
    EXPECT_EQ(first_weight(*model), 3.5f);
}

TEST(LookaheadEma, SavesAndRestoresItsAverage) {
    auto model = tiny_model();
    LookaheadEma ema({.start_epoch = 0, .every_steps = 1});
    ema.set_model(model.get());
    ema.on_train_begin({.epochs = 1, .steps_per_epoch = 3, .total_steps = 3});
    ema.on_epoch_begin(0);
    set_weights(*model, 0.25f);
    ema.on_batch_end(0, {});
    TrainingState state;
    ema.save_state(state, "callback_0");
    LookaheadEma restored;
    restored.set_model(model.get());
    restored.on_train_begin({.epochs = 1, .steps_per_epoch = 3, .total_steps = 3});
    restored.load_state(state, "callback_0");
    ASSERT_FALSE(restored.average().empty());
    EXPECT_EQ(restored.average()[0], 0.25f);
    TrainingState empty;
    LookaheadEma fresh;
    fresh.set_model(model.get());
    fresh.on_train_begin({.epochs = 1, .steps_per_epoch = 3, .total_steps = 3});
    fresh.save_state(empty, "c");
    restored.load_state(empty, "c");
    EXPECT_TRUE(restored.average().empty());
}

TEST(LookaheadEma, DescribesItselfAndRefusesOutOfRangeSettings) {
    const config::Description description{
        {"type", "lookahead_ema"}, {"start_epoch", 3}, {"every_steps", 5}, {"decay", 0.95}, {"decay_power", 3.0}};
    const std::unique_ptr<Callback> made = callback_from(config::Reader(description, "callbacks[0]"), {});
    EXPECT_EQ(callback_description(*made), description);
    EXPECT_THROW(LookaheadEma({.every_steps = 0}), KeyError);
    EXPECT_THROW(LookaheadEma({.decay = 1.5}), KeyError);
    EXPECT_THROW(LookaheadEma({.decay_power = -1}), KeyError);
    config::Description bad = description;
    bad["decay"] = 2.0;
    EXPECT_THROW(callback_from(config::Reader(bad, "callbacks[0]"), {}), KeyError);
}

TEST(LookaheadEma, InAFitTheWeightsEndAsTheAverage) {
    auto model = tiny_model();
    Dataset data;
    data.image_shape = Shape{1};
    data.images = {10, 200, 30, 40, 250, 60, 70, 5};
    data.labels = {0, 0, 0, 0, 0, 0, 0, 0};
    data.class_names = {"only"};
    LookaheadEma ema({.start_epoch = 1, .every_steps = 3});
    model->fit(data, {.batch_size = 2, .epochs = 3, .callbacks = {&ema}});
    ASSERT_FALSE(ema.average().empty());
    const Tensor& weights = model->weights().block();
    for (int64_t i = 0; i < weights.numel(); ++i) EXPECT_EQ(weights[i], ema.average()[i]);
}

}  // namespace
}  // namespace nnlab
