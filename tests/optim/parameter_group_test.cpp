// Tests for parameter groups (PyTorch's param_groups): the arena cut into runs by name, hand-computed SGD and Adam
// steps with a group's own rate and decay, a group frozen after its epochs, the description's round trip, and the
// groups through Sequential::compile on a real model.
#include "nnlab/optim/parameter_group.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/batch_normalization.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/losses/mean_squared_error.hpp"
#include "nnlab/optim/adam.hpp"
#include "nnlab/optim/sgd.hpp"
#include "nnlab/train/sequential.hpp"
#include "tests/support/tensor_helpers.hpp"

namespace nnlab {
namespace {

using testing::arena;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::near;
using testing::values;

TEST(ParameterGroups, CutTheArenaIntoRunsByFirstMatchingPattern) {
    const std::vector<ParameterGroup> groups{{.params = "bn*/beta"}, {.params = "dense/*"}, {.params = "*"}};
    // Variables with padding between them (offset 16, 32, 48), the last arena line past the last variable.
    const std::vector<NamedVariable> variables{
        {"dense/kernel", 0, 12}, {"bn/beta", 16, 4}, {"bn_1/beta", 32, 4}, {"other/kernel", 48, 3}};
    const std::vector<GroupRun> runs = assign_groups(groups, variables, 64);
    ASSERT_EQ(runs.size(), 3u);
    // dense/kernel and its padding; both betas (neighbours of one group) and their padding; the rest.
    EXPECT_EQ(runs[0].offset, 0);
    EXPECT_EQ(runs[0].size, 16);
    EXPECT_EQ(runs[0].group, 1);
    EXPECT_EQ(runs[1].offset, 16);
    EXPECT_EQ(runs[1].size, 32);
    EXPECT_EQ(runs[1].group, 0);
    EXPECT_EQ(runs[2].offset, 48);
    EXPECT_EQ(runs[2].size, 16);
    EXPECT_EQ(runs[2].group, 2);
}

TEST(ParameterGroups, APatternThatMatchesNothingIsAnErrorNamingIt) {
    const std::vector<NamedVariable> variables{{"dense/kernel", 0, 4}};
    try {
        assign_groups({{.params = "batch_norm*/beta"}}, variables, 16);
        FAIL() << "expected an error";
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "param_groups");
        EXPECT_THAT(error.what(), HasSubstr("\"batch_norm*/beta\" matches none"));
        EXPECT_THAT(error.what(), HasSubstr("dense/kernel"));
    }
}

TEST(ParameterGroups, SgdStepsWithAGroupsRateMultiplierAndDecay) {
    // Two variables: a = arena[0, 2) in no group, b = arena[2, 4) in a group with 10× the rate and decay 0.05.
    SGD sgd(SGDOptions{.learning_rate = 0.1, .weight_decay = 0.5});
    sgd.set_parameter_groups({{.params = "b", .learning_rate_multiplier = 10.0, .weight_decay = 0.05}});
    sgd.build(4);
    sgd.set_variables({{"a", 0, 2}, {"b", 2, 2}}, 4);
    Tensor p = arena({1.0f, -2.0f, 0.5f, 4.0f});
    const Tensor g = arena({0.5f, -1.0f, 2.0f, 0.1f});
    sgd.step(p, g);
    // a: p·(1 − 0.5·0.1) − 0.1·g = (0.95 − 0.05, −1.9 + 0.1) = (0.9, −1.8)
    // b: rate 1, decay 0.05·1: p·0.95 − 1·g = (0.475 − 2, 3.8 − 0.1) = (−1.525, 3.7)
    EXPECT_THAT(values(p), ElementsAre(near(0.9), near(-1.8), near(-1.525), near(3.7)));
}

TEST(ParameterGroups, AdamKeepsEachGroupsMomentsInPlace) {
    // Adam's first step moves every weight by −rate·sign(g) (bias-corrected, ε aside): the rate per group shows.
    Adam adam(AdamOptions{.learning_rate = 0.01});
    adam.set_parameter_groups({{.params = "b", .learning_rate_multiplier = 3.0}});
    adam.build(4);
    adam.set_variables({{"a", 0, 2}, {"b", 2, 2}}, 4);
    Tensor p = arena({0.0f, 0.0f, 0.0f, 0.0f});
    adam.step(p, arena({1.0f, -1.0f, 1.0f, -1.0f}));
    EXPECT_THAT(values(p), ElementsAre(near(-0.01), near(0.01), near(-0.03), near(0.03)));
    // The moments are per element: a second step with the same gradients moves by the same amounts again.
    adam.step(p, arena({1.0f, -1.0f, 1.0f, -1.0f}));
    EXPECT_THAT(values(p), ElementsAre(near(-0.02), near(0.02), near(-0.06), near(0.06)));
}

TEST(ParameterGroups, AGroupPastItsEpochsIsLeftAlone) {
    SGD sgd(SGDOptions{.learning_rate = 0.1, .momentum = 0.9, .weight_decay = 0.5});
    sgd.set_parameter_groups({{.params = "bias", .until_epoch = 1}});
    sgd.build(2);
    sgd.set_variables({{"kernel", 0, 1}, {"bias", 1, 1}}, 2);
    Tensor p = arena({1.0f, 1.0f});
    const Tensor g = arena({1.0f, 1.0f});
    sgd.set_epoch(0);
    sgd.step(p, g);
    // Both: p·0.95 + (−0.1·1) = 0.85.
    EXPECT_THAT(values(p), ElementsAre(near(0.85), near(0.85)));
    sgd.set_epoch(1);
    sgd.step(p, g);
    // kernel: 0.85·0.95 + 0.9·(−0.1) − 0.1 = 0.8075 − 0.19 = 0.6175; bias frozen: no decay, no step.
    EXPECT_THAT(values(p), ElementsAre(near(0.6175), near(0.85)));
}

TEST(ParameterGroups, DescribeThemselvesAndReadBack) {
    const nlohmann::json description = {
        {"type", "sgd"},
        {"learning_rate", 1.5},
        {"param_groups",
         {{{"params", "batch_normalization*/beta"}, {"learning_rate_multiplier", 64.0}, {"weight_decay", 1e-4}},
          {{"params", "patch_whitening/bias"}, {"until_epoch", 3}}}}};
    const std::unique_ptr<Optimizer> optimizer = make_optimizer(description);
    ASSERT_EQ(optimizer->parameter_groups().size(), 2u);
    EXPECT_EQ(optimizer->parameter_groups()[0].learning_rate_multiplier, 64.0);
    EXPECT_EQ(optimizer->parameter_groups()[1].until_epoch, 3);
    EXPECT_EQ(make_optimizer(optimizer->config())->config(), optimizer->config());
    EXPECT_THROW(make_optimizer({{"type", "sgd"}, {"param_groups", {{{"params", "x"}, {"rate", 2}}}}}), KeyError);
    EXPECT_THROW(make_optimizer({{"type", "sgd"}, {"param_groups", {{{"params", ""}}}}}), KeyError);
    EXPECT_THROW(make_optimizer({{"type", "sgd"}, {"param_groups", {{{"params", "x"}, {"until_epoch", -1}}}}}),
                 KeyError);
}

TEST(ParameterGroups, CompileMatchesTheModelsWeightNames) {
    Sequential model;
    model.add(Input{{3}});
    model.add(Dense(2));
    model.add(BatchNormalization());
    SGD sgd(SGDOptions{.learning_rate = 0.1});
    sgd.set_parameter_groups({{.params = "batch_normalization/beta", .learning_rate_multiplier = 0.0}});
    model.compile(std::move(sgd), MeanSquaredError());
    // A pattern that names no weight of this model is refused at compile, before any training.
    Sequential other;
    other.add(Input{{3}});
    other.add(Dense(2));
    SGD typo(SGDOptions{.learning_rate = 0.1});
    typo.set_parameter_groups({{.params = "batch_normalization/beta"}});
    EXPECT_THROW(other.compile(std::move(typo), MeanSquaredError()), KeyError);
    // With a multiplier of 0 the betas never move while gamma and the kernel do.
    Param* beta = nullptr;
    for (Param* p : model.layers()[1]->params())
        if (p->name == "beta") beta = p;
    ASSERT_NE(beta, nullptr);
    Dataset data;
    data.image_shape = Shape{3};
    data.images = {0, 10, 200, 30, 4, 50, 60, 7, 80, 9, 100, 11};
    data.labels = {0, 1, 1, 0};
    data.class_names = {"a", "b"};
    const std::vector<float> kernel_before = values(model.layers()[0]->params()[0]->value);
    model.fit(data, {.batch_size = 2, .epochs = 1});
    EXPECT_THAT(values(beta->value), ElementsAre(0.0f, 0.0f));
    EXPECT_NE(values(model.layers()[0]->params()[0]->value), kernel_before);
}

TEST(ParameterGroups, AModelSkipsTheBackwardOfLayersWhoseGroupsArePastTheirEpochs) {
    // Two twins, one step each at epoch 0; then one more where the first layer's group is past its epoch for one
    // twin only. That twin's walk ends at the second layer: the first layer's gradient is zero (Dense writes its
    // gradients, so the last step's would otherwise remain) and its weights stay; the second layer's update is the
    // same in both, since it never depends on what the walk does below it.
    const auto twin = [] {
        auto model = std::make_unique<Sequential>();
        model->add(Input{{3}});
        model->add(Dense(4, "tanh"));
        model->add(Dense(2));
        SGD sgd(SGDOptions{.learning_rate = 0.1, .momentum = 0.9});
        sgd.set_parameter_groups({{.params = "dense/*", .until_epoch = 1}});
        model->compile(std::move(sgd), MeanSquaredError(), {.seed = 5});
        return model;
    };
    const std::unique_ptr<Sequential> frozen = twin(), training = twin();
    Tensor x(Shape{2, 3}), y(Shape{2, 2});
    for (int64_t i = 0; i < x.numel(); ++i) x[i] = 0.25f * static_cast<float>(i) - 0.6f;
    for (int64_t i = 0; i < y.numel(); ++i) y[i] = static_cast<float>(i % 3) - 0.5f;
    frozen->train_step(x, y);
    training->train_step(x, y);
    const std::vector<float> first_kernel = values(frozen->layers()[0]->params()[0]->value);
    frozen->optimizer().set_epoch(1);
    frozen->train_step(x, y);
    training->train_step(x, y);
    for (Param* p : frozen->layers()[0]->params()) EXPECT_THAT(values(p->grad), ::testing::Each(0.0f)) << p->name;
    EXPECT_EQ(values(frozen->layers()[0]->params()[0]->value), first_kernel);
    EXPECT_THAT(values(training->layers()[0]->params()[0]->grad), ::testing::Contains(::testing::Ne(0.0f)));
    EXPECT_NE(values(training->layers()[0]->params()[0]->value), first_kernel);
    for (size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(values(frozen->layers()[1]->params()[i]->value), values(training->layers()[1]->params()[i]->value));
        EXPECT_EQ(values(frozen->layers()[1]->params()[i]->grad), values(training->layers()[1]->params()[i]->grad));
    }
}

}  // namespace
}  // namespace nnlab
