// Sequential: training learns, runs are reproducible, the fused softmax path equals the plain one,
// callbacks see the right epochs, and a diverging loss stops with a clear error.
#include "nnlab/train/sequential.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/activation.hpp"
#include "nnlab/layers/conv2d.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/losses/loss.hpp"
#include "nnlab/losses/mean_squared_error.hpp"
#include "nnlab/optim/adam.hpp"
#include "nnlab/optim/optimizer.hpp"
#include "nnlab/optim/schedules.hpp"
#include "nnlab/optim/sgd.hpp"
#include "nnlab/train/callbacks/learning_rate_scheduler.hpp"
#include "tests/support/synthetic_data.hpp"

namespace nnlab {
namespace {

using nnlab::testing::synthetic_images;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::unique_ptr<Sequential> small_mlp(uint64_t seed, bool fused_softmax = true) {
    auto model = std::make_unique<Sequential>();
    model->add(Input{{4, 4, 3}});
    model->add(Flatten());
    model->add(Dense(16, "relu"));
    if (fused_softmax) {
        model->add(Dense(3, "softmax"));
    } else {
        model->add(Dense(3));
        model->add(Activation("softmax"));
    }
    model->compile(Adam(0.01), CategoricalCrossentropy(), {.seed = seed});
    return model;
}

// y = x · scale, with a non-trainable tensor beside the trainable one, as batch norm's moving statistics sit.
class ScaleWithState final : public Layer {
public:
    std::string type() const override { return "ScaleWithState"; }
    Shape build(const Shape& input) override {
        scale_ = Param{.name = "scale", .shape = Shape{1}, .initializer = "ones"};
        state_ = Param{.name = "state", .shape = Shape{3}, .initializer = "ones", .trainable = false};
        return input;
    }
    void forward(const Tensor& x, Tensor& y, Mode) override {
        x_ = x.view();
        for (int64_t i = 0; i < x.numel(); ++i) y[i] = x[i] * scale_.value[0];
    }
    void backward(const Tensor& dy, Tensor& dx) override {
        for (int64_t i = 0; i < dy.numel(); ++i) scale_.grad[0] += dy[i] * x_[i];
        if (!dx.empty())
            for (int64_t i = 0; i < dy.numel(); ++i) dx[i] = dy[i] * scale_.value[0];
    }
    std::vector<Param*> params() override { return {&state_, &scale_}; }

private:
    Param scale_, state_;
    Tensor x_;
};

TEST(Sequential, OptimizerNeverTouchesNonTrainableState) {
    Sequential model;
    model.add(Input{{4, 4, 3}});
    model.add(std::make_unique<ScaleWithState>());
    model.add(Flatten());
    model.add(Dense(3, "softmax"));
    // AdamW decays every weight it updates, so a non-trainable tensor inside its span would shrink.
    model.compile(make_optimizer({{"type", "adamw"}, {"learning_rate", 0.1}, {"weight_decay", 0.5}}),
                  make_loss("categorical_crossentropy"), {.seed = 2});
    const Param& state = *model.layers()[0]->params()[0];
    ASSERT_EQ(state.name, "state");
    const float scale_before = model.layers()[0]->params()[1]->value[0];
    const Dataset train = synthetic_images(64, 3, Shape{4, 4, 3}, 4);
    model.fit(train, {.batch_size = 16, .epochs = 2});
    for (float v : state.value.values()) EXPECT_EQ(v, 1.0f);
    EXPECT_NE(model.layers()[0]->params()[1]->value[0], scale_before);
    EXPECT_THAT(model.summary(), HasSubstr("Trainable params: 148 (592.00 B)"));
    EXPECT_THAT(model.summary(), HasSubstr("Non-trainable params: 3 (12.00 B)"));
}

// Passes its input through and counts how often backward runs and whether it was asked for an input gradient.
class CountingIdentity final : public Layer {
public:
    std::string type() const override { return "CountingIdentity"; }
    Shape build(const Shape& input) override { return input; }
    void forward(const Tensor& x, Tensor& y, Mode) override { std::copy_n(x.data(), x.numel(), y.data()); }
    void backward(const Tensor& dy, Tensor& dx) override {
        ++backward_calls;
        if (!dx.empty()) {
            ++input_gradients;
            std::copy_n(dy.data(), dy.numel(), dx.data());
        }
    }
    int backward_calls = 0, input_gradients = 0;
};

// The backward pass ends at the first layer with trainable parameters, and that layer computes no input gradient:
// nothing before it has anything to learn (the seed MLP's first Dense spent a third of its GEMMs on one).
TEST(Sequential, BackwardStopsAtTheFirstTrainableLayer) {
    Sequential model;
    model.add(Input{{4, 4, 3}});
    auto before = std::make_unique<CountingIdentity>();
    auto after = std::make_unique<CountingIdentity>();
    CountingIdentity *first = before.get(), *last = after.get();
    model.add(std::move(before));
    model.add(Flatten());
    model.add(Dense(8, "relu"));
    model.add(std::move(after));
    model.add(Dense(3, "softmax"));
    model.compile(Adam(0.01), CategoricalCrossentropy(), {.seed = 1});
    const float kernel_before = model.layers()[2]->params()[0]->value[0];
    const Dataset train = synthetic_images(32, 3, Shape{4, 4, 3}, 1);
    model.fit(train, {.batch_size = 16, .epochs = 1});
    EXPECT_EQ(first->backward_calls, 0);
    EXPECT_EQ(last->backward_calls, 2);
    EXPECT_EQ(last->input_gradients, 2);
    EXPECT_NE(model.layers()[2]->params()[0]->value[0], kernel_before) << "the first Dense must still learn";
}

TEST(Sequential, LearnsASeparableProblem) {
    const Dataset train = synthetic_images(600, 3, Shape{4, 4, 3}, 1);
    const Dataset test = synthetic_images(300, 3, Shape{4, 4, 3}, 2);
    auto model = small_mlp(5);
    const double before = model->evaluate(test).accuracy;
    const History history = model->fit(train, {.batch_size = 32, .epochs = 5, .validation_data = &test});
    EXPECT_EQ(history.size(), 5);
    EXPECT_LT(history.values("loss").back(), history.values("loss").front());
    EXPECT_GT(history.values("val_accuracy").back(), 0.9);
    EXPECT_LT(before, 0.6);
    EXPECT_EQ(history.keys(),
              (std::vector<std::string>{"accuracy", "loss", "val_accuracy", "val_loss", "learning_rate"}));
}

TEST(Sequential, SameSeedGivesBitIdenticalWeights) {
    const Dataset train = synthetic_images(300, 3, Shape{4, 4, 3}, 1);
    auto first = small_mlp(7), second = small_mlp(7), other = small_mlp(8);
    first->fit(train, {.batch_size = 16, .epochs = 2});
    second->fit(train, {.batch_size = 16, .epochs = 2});
    other->fit(train, {.batch_size = 16, .epochs = 2});
    const size_t bytes = static_cast<size_t>(first->weights().size()) * sizeof(float);
    EXPECT_EQ(std::memcmp(first->weights().data(), second->weights().data(), bytes), 0);
    EXPECT_NE(std::memcmp(first->weights().data(), other->weights().data(), bytes), 0);
}

TEST(Sequential, FusedSoftmaxMatchesSeparateSoftmaxLayer) {
    const Dataset train = synthetic_images(64, 3, Shape{4, 4, 3}, 3);
    auto fused = small_mlp(9, true), separate = small_mlp(9, false);
    fused->fit(train, {.batch_size = 16, .epochs = 1, .shuffle = false});
    separate->fit(train, {.batch_size = 16, .epochs = 1, .shuffle = false});
    ASSERT_EQ(fused->weights().size(), separate->weights().size());
    for (int64_t i = 0; i < fused->weights().size(); ++i) {
        ASSERT_NEAR(fused->weights().data()[i], separate->weights().data()[i], 1e-5) << "at " << i;
    }
}

TEST(Sequential, LastPartialBatchIsTrained) {
    // 10 examples at batch 4: steps of 4, 4 and 2.
    const Dataset train = synthetic_images(10, 3, Shape{4, 4, 3}, 4);
    auto model = small_mlp(1);
    model->fit(train, {.batch_size = 4, .epochs = 2});
    EXPECT_EQ(model->optimizer().iterations(), 6);
}

TEST(Sequential, StepDecayChangesTheRateAtEpochBoundaries) {
    const Dataset train = synthetic_images(8, 3, Shape{4, 4, 3}, 5);
    auto model = small_mlp(1);
    LearningRateScheduler scheduler(StepDecay{.initial_learning_rate = 0.001, .drop = 0.5, .epochs_drop = 2});
    const History history = model->fit(train, {.batch_size = 8, .epochs = 5, .callbacks = {&scheduler}});
    EXPECT_THAT(history.values("learning_rate"), ::testing::ElementsAre(0.001, 0.001, 0.0005, 0.0005, 0.00025));
}

TEST(Sequential, DivergingLossStopsWithEpochAndBatch) {
    const Dataset train = synthetic_images(64, 3, Shape{4, 4, 3}, 6);
    Sequential model;
    model.add(Input{{4, 4, 3}});
    model.add(Flatten());
    model.add(Dense(3));
    model.compile(SGD(1e30), MeanSquaredError(), {.seed = 1});
    try {
        model.fit(train, {.batch_size = 16, .epochs = 3});
        FAIL() << "expected training to stop";
    } catch (const Error& error) {
        EXPECT_THAT(error.what(), HasSubstr("epoch 1, batch "));
        EXPECT_THAT(error.what(), ::testing::AnyOf(HasSubstr("nan"), HasSubstr("inf")));
        EXPECT_EQ(error.kind(), ErrorKind::failure);
    }
}

TEST(Sequential, RejectsDataThatDoesNotFitTheModel) {
    const Dataset train = synthetic_images(8, 5, Shape{4, 4, 3}, 7);
    auto model = small_mlp(1);
    try {
        model->fit(train, {.batch_size = 4});
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_THAT(error.what(), HasSubstr("5 classes"));
        EXPECT_THAT(error.what(), HasSubstr("(None, 3)"));
    }
    EXPECT_THROW(model->fit(synthetic_images(8, 3, Shape{4, 4, 3}, 7), {.batch_size = 0}), KeyError);
}

TEST(Sequential, ValidationSplitHoldsOutTheLastExamples) {
    const Dataset data = synthetic_images(100, 3, Shape{4, 4, 3}, 9);
    auto model = small_mlp(3);
    const History history = model->fit(data, {.batch_size = 10, .epochs = 1, .validation_split = 0.2});
    // 80 training examples at batch 10: 8 steps; the last 20 are the validation data.
    EXPECT_EQ(model->optimizer().iterations(), 8);
    EXPECT_DOUBLE_EQ(history.values("val_accuracy").back(), model->evaluate(data.slice(80, 20), 10).accuracy);
    EXPECT_THROW(model->fit(data, {.validation_split = 1.0}), KeyError);
}

TEST(Sequential, BackgroundWorkersDoNotChangeTheResult) {
    const Dataset train = synthetic_images(200, 3, Shape{4, 4, 3}, 10);
    auto inline_batches = small_mlp(4), two_workers = small_mlp(4);
    inline_batches->fit(train, {.batch_size = 16, .epochs = 2, .workers = 0});
    two_workers->fit(train, {.batch_size = 16, .epochs = 2, .workers = 2});
    const size_t bytes = static_cast<size_t>(inline_batches->weights().size()) * sizeof(float);
    EXPECT_EQ(std::memcmp(inline_batches->weights().data(), two_workers->weights().data(), bytes), 0);
}

TEST(Sequential, PredictMatchesEvaluate) {
    const Dataset data = synthetic_images(50, 3, Shape{4, 4, 3}, 8);
    auto model = small_mlp(2);
    const Tensor probs = model->predict(data, 7);
    ASSERT_EQ(probs.shape(), (Shape{50, 3}));
    int64_t correct = 0;
    for (int64_t i = 0; i < 50; ++i) {
        const float* row = probs.data() + i * 3;
        EXPECT_NEAR(row[0] + row[1] + row[2], 1.0f, 1e-5);
        correct += std::max_element(row, row + 3) - row == data.labels[static_cast<size_t>(i)];
    }
    EXPECT_DOUBLE_EQ(model->evaluate(data, 9).accuracy, correct / 50.0);
}

// A layer that does not fit its input is a LayerError at its index, its message naming it.
TEST(Sequential, LayerThatDoesNotFitIsALayerErrorNamingIt) {
    Sequential model;
    model.add(Input{{4}});
    model.add(Dense(3));
    try {
        model.add(Conv2D(8, {3, 3}));
        FAIL() << "accepted";
    } catch (const LayerError& error) {
        EXPECT_EQ(error.index(), 1u);
        EXPECT_THAT(error.what(), StartsWith("layer conv2d (Conv2D): expected input (batch, height, width, channels)"));
    }
    model.add(Dense(2, "linear", {}));  // the failed layer left nothing behind, not even its name
    EXPECT_EQ(model.layers().back()->name(), "dense_1");
}

TEST(Sequential, TwoLayersOfOneNameAreRefused) {
    Sequential model;
    model.add(Input{{4}});
    Dense first(3);
    first.set_name("x");
    model.add(std::move(first));
    Dense second(3);
    second.set_name("x");
    try {
        model.add(std::move(second));
        FAIL() << "accepted";
    } catch (const LayerError& error) {
        EXPECT_EQ(error.index(), 1u);
        EXPECT_STREQ(error.what(), "model sequential: two layers are named 'x'");
    }
}

TEST(Sequential, InputShapeBeyondTheLimitsIsAKeyError) {
    Sequential model;
    try {
        model.add(Input{{int64_t{1} << 32, 1}});
        FAIL() << "accepted";
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "input_shape");
    }
    try {
        model.add(Input{{Shape::max_dimension, Shape::max_dimension, 4}});
        FAIL() << "accepted";
    } catch (const KeyError& error) {
        EXPECT_THAT(error.what(), StartsWith("input_shape: shape (2147483647, 2147483647, 4) has more than"));
    }
}

TEST(Sequential, ValidationSplitMustBeAFractionNotNan) {
    Sequential model;
    model.add(Input{{2, 2, 1}});
    model.add(Flatten());
    model.add(Dense(2, "softmax"));
    model.compile(SGD(0.1), CategoricalCrossentropy());
    const Dataset data = synthetic_images(8, 2, Shape{2, 2, 1}, 1);
    for (const double split : {std::nan(""), -0.1, 1.0}) {
        try {
            model.fit(data, {.batch_size = 4, .epochs = 1, .validation_split = split});
            ADD_FAILURE() << split << " accepted";
        } catch (const KeyError& error) {
            EXPECT_EQ(error.key(), "validation_split");
        }
    }
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

// Records what fit() tells its callbacks.
struct PlanRecorder : Callback {
    TrainPlan plan;
    std::vector<int64_t> steps_per_epoch_seen;
    int64_t steps = 0;
    void on_train_begin(const TrainPlan& p) override { plan = p; }
    void on_epoch_begin(int) override { steps = 0; }
    void on_batch_end(int64_t, const Logs&) override { ++steps; }
    void on_epoch_end(int, const Logs&) override { steps_per_epoch_seen.push_back(steps); }
};

TEST(Sequential, MaxStepsEndsTheRunWithinItsLastEpoch) {
    // 10 images at batch 4: 3 steps an epoch. A fractional 2.5 epochs is 3 epochs with ceil(2.5 · 3) = 8 steps.
    const Dataset data = synthetic_images(10, 3, Shape{2, 2, 1}, 4);
    Sequential model;
    model.add(Input{{2, 2, 1}});
    model.add(Flatten());
    model.add(Dense(3, "softmax"));
    model.compile(SGD(0.1), CategoricalCrossentropy());
    FitOptions options{.batch_size = 4, .epochs = 3, .max_steps = 8};
    EXPECT_EQ(Sequential::steps_per_epoch(data, options), 3);
    PlanRecorder recorder;
    options.callbacks = {&recorder};
    const History& history = model.fit(data, options);
    EXPECT_EQ(history.size(), 3);
    EXPECT_EQ(recorder.plan.total_steps, 8);
    EXPECT_EQ(recorder.plan.steps_per_epoch, 3);
    EXPECT_EQ(recorder.steps_per_epoch_seen, (std::vector<int64_t>{3, 3, 2}));
    EXPECT_EQ(model.optimizer().iterations(), 8);
    // A limit beyond the epochs changes nothing; the validation split leaves 8 images: 2 steps.
    FitOptions split{.batch_size = 4, .epochs = 1, .max_steps = 100, .validation_split = 0.2};
    EXPECT_EQ(Sequential::steps_per_epoch(data, split), 2);
    PlanRecorder whole;
    split.callbacks = {&whole};
    model.fit(data, split);
    EXPECT_EQ(whole.plan.total_steps, 2);
    EXPECT_THROW(model.fit(data, {.batch_size = 4, .max_steps = -1}), KeyError);
}

}  // namespace
}  // namespace nnlab
