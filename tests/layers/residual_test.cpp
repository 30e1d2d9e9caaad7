// Residual: the sum of two branches, hand-computed; gradients; naming; specs; a model with blocks saved and loaded.
#include "nnlab/layers/residual.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "nnlab/io/model_file.hpp"
#include "nnlab/layers/activation.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/layers/registry.hpp"
#include "nnlab/losses/loss.hpp"
#include "nnlab/optim/optimizer.hpp"
#include "nnlab/train/sequential.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/layer_helpers.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace nnlab::testing;

LayerList layers(std::unique_ptr<Layer> a, std::unique_ptr<Layer> b = nullptr) {
    LayerList list;
    list.push_back(std::move(a));
    if (b) list.push_back(std::move(b));
    return list;
}

TEST(Residual, AddsTheIdentityShortcutThenActivates) {
    // Dense with W = [[1, 0], [0, 2]], b = [0, -5]: main(x) = [x0, 2·x1 − 5]; relu(main(x) + x).
    Residual block(layers(std::make_unique<Dense>(2)), {}, "relu");
    const Shape out = build_with_params(block, Shape{1, 2});
    EXPECT_EQ(out, (Shape{1, 2}));
    std::vector<Param*> params = block.params();
    ASSERT_EQ(params.size(), 2u);
    set_values(params[0]->value, {1, 0, 0, 2});
    set_values(params[1]->value, {0, -5});
    // x = [3, 1]: main = [3, −3], + x = [6, −2], relu = [6, 0].
    EXPECT_THAT(values(forward_once(block, Shape{1, 2}, {3, 1}, out)), ElementsAre(6.0f, 0.0f));
}

TEST(Residual, AddsAProjectionShortcut) {
    // main: Dense(1) with W = [1, 1], shortcut: Dense(1) with W = [10, 0]; x = [2, 3] → (2 + 3) + 20 = 25.
    Residual block(layers(std::make_unique<Dense>(1)), layers(std::make_unique<Dense>(1)));
    const Shape out = build_with_params(block, Shape{1, 2});
    std::vector<Param*> params = block.params();
    ASSERT_EQ(params.size(), 4u);
    set_values(params[0]->value, {1, 1});
    set_values(params[2]->value, {10, 0});
    EXPECT_THAT(values(forward_once(block, Shape{1, 2}, {2, 3}, out)), ElementsAre(25.0f));
}

TEST(Residual, AMovedBlockStillRuns) {
    // As Sequential::add(Residual(…)) does: the block is moved after construction, and its branches move with it.
    Residual made(layers(std::make_unique<Dense>(1)), layers(std::make_unique<Dense>(1)));
    Residual block(std::move(made));
    const Shape out = build_with_params(block, Shape{1, 2});
    std::vector<Param*> params = block.params();
    set_values(params[0]->value, {1, 1});
    set_values(params[2]->value, {10, 0});
    EXPECT_THAT(values(forward_once(block, Shape{1, 2}, {2, 3}, out)), ElementsAre(25.0f));
}

TEST(Residual, GradientsMatchCentralDifferences) {
    Residual identity(layers(std::make_unique<Dense>(4, "tanh"), std::make_unique<Dense>(4)), {}, "relu");
    EXPECT_LAYER_GRADIENTS_OK(identity, Shape{3, 4});
    Residual projected(layers(std::make_unique<Dense>(3, "sigmoid"), std::make_unique<Dense>(4)),
                       layers(std::make_unique<Dense>(4)), "tanh");
    EXPECT_LAYER_GRADIENTS_OK(projected, Shape{2, 5});
}

TEST(Residual, NamesSubLayersAndTheirParameters) {
    Residual block(layers(std::make_unique<Dense>(4), std::make_unique<Dense>(4)), layers(std::make_unique<Dense>(4)));
    block.build(Shape{Shape::unknown, 4});
    std::vector<std::string> names;
    for (const Param* p : block.params()) names.push_back(p->name);
    EXPECT_THAT(names, ElementsAre("dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias", "dense_2/kernel",
                                   "dense_2/bias"));
    // Built twice (as a loader may), the names do not grow.
    block.build(Shape{Shape::unknown, 4});
    EXPECT_EQ(block.params()[0]->name, "dense/kernel");
}

TEST(Residual, BranchesThatDisagreeAreAnError) {
    Residual block(layers(std::make_unique<Dense>(3)));
    block.set_name("residual");
    try {
        block.build(Shape{Shape::unknown, 4});
        FAIL() << "built";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(),
                    HasSubstr("main branch outputs (None, 3) but the shortcut (the identity) outputs (None, 4)"));
    }
    EXPECT_THROW(Residual(LayerList{}), KeyError);
}

TEST(Residual, SpecRoundTripsThroughTheRegistry) {
    const nlohmann::json spec = {
        {"type", "Residual"},
        {"activation", "relu"},
        {"layers", {{{"type", "Dense"}, {"units", 4}, {"activation", "relu"}}, {{"type", "Dense"}, {"units", 4}}}},
        {"shortcut", {{{"type", "Dense"}, {"units", 4}, {"name", "projection"}}}}};
    std::unique_ptr<Layer> layer = make_layer(spec);
    const nlohmann::json back = layer_description(*layer);
    EXPECT_EQ(back["activation"], "relu");
    EXPECT_EQ(back["layers"].size(), 2u);
    EXPECT_EQ(back["layers"][1]["name"], "dense_1");
    EXPECT_EQ(back["shortcut"][0]["name"], "projection");
    EXPECT_EQ(layer_description(*make_layer(back)), back);
}

TEST(Residual, ErrorsInsideNameTheirPlace) {
    const nlohmann::json spec = {{"type", "Residual"}, {"layers", {{{"type", "Dense"}, {"units", -1}}}}};
    try {
        make_layer(spec);
        FAIL() << "accepted";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "layers[0].units");
        EXPECT_EQ(std::string(e.what()), "layers[0].units: expected an integer from 1 to 2147483647, found -1");
    }
    EXPECT_THROW(make_layer({{"type", "Residual"}}), KeyError);
    EXPECT_THROW(make_layer({{"type", "Residual"}, {"layers", 3}}), KeyError);
}

TEST(Residual, ModelWithBlocksSavesAndLoadsToTheSamePredictions) {
    Sequential model;
    model.add(Input{{6}});
    model.add(Dense(8, "relu"));
    model.add(std::make_unique<Residual>(layers(std::make_unique<Dense>(8, "relu"), std::make_unique<Dense>(8)),
                                         LayerList{}, "relu"));
    model.add(std::make_unique<Residual>(layers(std::make_unique<Dense>(4)), layers(std::make_unique<Dense>(4))));
    model.add(Dense(3, "softmax"));
    model.compile(make_optimizer({{"type", "adam"}}), make_loss("categorical_crossentropy"), {.seed = 5});
    EXPECT_THAT(model.summary(), HasSubstr("residual_1 (Residual)"));
    Tensor x(Shape{4, 6});
    for (int64_t i = 0; i < x.numel(); ++i) x[i] = static_cast<float>(i % 7) / 7.0f - 0.4f;
    Tensor y(Shape{4, 3});
    for (int64_t r = 0; r < 4; ++r) y[r * 3 + r % 3] = 1.0f;
    for (int step = 0; step < 3; ++step) model.train_step(x, y);
    const Tensor before = model.predict(x);

    TempDir dir;
    save_model(model, dir / "model.safetensors");
    LoadedModel loaded = load_model(dir / "model.safetensors");
    const Tensor after = loaded.model->predict(x);
    for (int64_t i = 0; i < before.numel(); ++i) EXPECT_EQ(before[i], after[i]) << i;
}

}  // namespace
}  // namespace nnlab
