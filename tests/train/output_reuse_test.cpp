// Outputs that no backward reads lend their memory to later ones (Layer::backward_reads, Sequential's plan): a
// model trains to the same bits with the plan on and off, in float32 and bfloat16, and the plan does lend. A layer
// that reads what it said it would not (a view of a lent output) would read a later layer's values or backward's
// gradients instead, and the weights would part.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "nnlab/nnlab.hpp"

namespace nnlab {
namespace {

// Every layer that says what its backward reads, with each kind of activation: gelu (reads x), relu (reads y),
// linear (nothing), in convolutions, dense layers and Activation layers.
std::unique_ptr<Sequential> every_lending_layer(Precision precision, bool reuse, const Tensor& x) {
    auto model = std::make_unique<Sequential>();
    model->add(Input{{8, 8, 3}});
    model->add(PatchWhitening({.kernel_size = 2, .samples = 16, .activation = "gelu"}));
    model->add(Conv2D(16, {3, 3}, {.padding = "same", .activation = "gelu"}));
    model->add(MaxPooling2D({2, 2}));
    model->add(BatchNormalization({.momentum = 0.6}));
    model->add(Activation("gelu"));
    model->add(Conv2D(16, {3, 3}, {.padding = "same", .activation = "relu"}));
    model->add(Conv2D(16, {3, 3}, {.padding = "same", .weights = {.use_bias = false}}));
    model->add(BatchNormalization());
    model->add(Activation("relu"));
    model->add(MaxPooling2D({2, 2}));
    model->add(Flatten());
    model->add(Dense(12, "gelu"));
    model->add(Dense(12));
    model->add(Activation("tanh"));
    model->add(Dense(3));
    model->add(Rescaling(0.5));
    model->add(Activation("softmax"));
    model->compile(SGD({.learning_rate = 0.05, .momentum = 0.9, .nesterov = true}), CategoricalCrossentropy(),
                   {.seed = 11, .precision = precision, .reuse_dead_outputs = reuse});
    model->adapt(x);
    return model;
}

struct Trained {
    std::vector<double> losses;
    std::vector<std::vector<float>> weights;
    std::vector<bool> lent;
};

Trained train(Precision precision, bool reuse) {
    Tensor x(Shape{16, 8, 8, 3}), y(Shape{16, 3});
    for (int64_t i = 0; i < x.numel(); ++i) x[i] = static_cast<float>((i * 37) % 101) / 101.0f - 0.4f;
    for (int64_t r = 0; r < 16; ++r) y[r * 3 + r % 3] = 1.0f;
    auto model = every_lending_layer(precision, reuse, x);
    Trained trained;
    for (int step = 0; step < 6; ++step) {
        // The batch shrinks once: lent views must follow the rows of the batch at hand.
        const int64_t rows = step == 3 ? 10 : 16;
        trained.losses.push_back(model->train_step(x.first_rows(rows), y.first_rows(rows)));
    }
    for (const Param* p : model->params())
        trained.weights.emplace_back(p->value.data(), p->value.data() + p->value.numel());
    trained.lent = model->lent_outputs();
    return trained;
}

TEST(OutputReuse, AModelTrainsToTheSameBitsWithItsDeadOutputsLent) {
    for (Precision precision : {Precision::float32, Precision::bfloat16}) {
        SCOPED_TRACE(precision_name(precision));
        const Trained lent = train(precision, true), own = train(precision, false);
        EXPECT_EQ(lent.losses, own.losses);
        ASSERT_EQ(lent.weights.size(), own.weights.size());
        for (size_t i = 0; i < lent.weights.size(); ++i) {
            ASSERT_EQ(lent.weights[i].size(), own.weights[i].size());
            EXPECT_EQ(
                std::memcmp(lent.weights[i].data(), own.weights[i].data(), lent.weights[i].size() * sizeof(float)), 0)
                << "parameter " << i;
        }
        EXPECT_TRUE(std::none_of(own.lent.begin(), own.lent.end(), [](bool b) { return b; }));
        EXPECT_GE(std::count(lent.lent.begin(), lent.lent.end(), true), 4);
    }
}

// Which outputs the plan lends, by hand: an output is lent when neither its layer's backward nor the next layer's
// reads it. In bfloat16 a convolution or dense layer keeps its own rounded copy of its input.
TEST(OutputReuse, ThePlanLendsWhatNoBackwardReads) {
    Tensor x(Shape{16, 8, 8, 3});
    for (int64_t i = 0; i < x.numel(); ++i) x[i] = static_cast<float>(i % 7);
    Tensor y(Shape{16, 3});
    for (int64_t r = 0; r < 16; ++r) y[r * 3] = 1.0f;
    const std::vector<bool> float32 = [&] {
        auto model = every_lending_layer(Precision::float32, true, x);
        model->train_step(x, y);
        return model->lent_outputs();
    }();
    // 0 whitening (gelu: copy of z) → conv reads x in float32: kept; 1 conv gelu → pool: lent; 2 pool → BN reads
    // x: kept; 3 BN, which does 4's gelu, → conv (float32) reads x: kept; 4 fused: no output of its own; 5 conv relu
    // reads y: kept; 6 conv linear → BN: kept; 7 BN doing 8's relu → pool, which reads only its indices: lent; 8
    // fused; 9 pool → flatten: lent; 10 flatten
    // → dense (float32) reads x: kept; 11 dense gelu → dense: kept; 12 dense linear → tanh reads y only: lent;
    // 13 tanh: kept; 14 dense → rescaling: lent; 15 rescaling → softmax reads y only: lent; 16 the last: kept.
    EXPECT_EQ(float32, (std::vector<bool>{false, true, false, false, false, false, false, true, false, true, false,
                                          false, true, false, true, true, false}));
    if (!bfloat16_supported()) GTEST_SKIP() << "no bfloat16 on this CPU: the model stays in float32";
    auto model = every_lending_layer(Precision::bfloat16, true, x);
    model->train_step(x, y);
    // Under bfloat16 the convolutions and dense layers keep rounded copies of their inputs, batch norm and the
    // activations (but softmax) of what they read: every output but the relu convolution's (5), the last and those
    // of the activations batch norm does (4, 8) is lent.
    EXPECT_EQ(model->lent_outputs(), (std::vector<bool>{true, true, true, true, false, false, true, true, false, true,
                                                        true, true, true, true, true, true, false}));
    EXPECT_EQ(model->fused_layers(), (std::vector<bool>{false, false, false, false, true, false, false, false, true,
                                                        false, false, false, false, false, false, false, false}));
}

}  // namespace
}  // namespace nnlab
