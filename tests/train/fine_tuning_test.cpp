// Fine-tuning: a layer's trainable = false freezes its weights (batch norm also keeps its moving statistics and
// passes gradients through its inference form), and load_weights starts a model from a saved one's weights.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "nnlab/io/model_file.hpp"
#include "nnlab/layers/batch_normalization.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/layers/registry.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/optim/sgd.hpp"
#include "nnlab/train/sequential.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/layer_helpers.hpp"
#include "tests/support/synthetic_data.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using nnlab::testing::error_message;
using ::testing::HasSubstr;

std::vector<float> values(const Param& p) {
    return {p.value.data(), p.value.data() + p.value.numel()};
}

const Dataset& data() {
    static const Dataset images = nnlab::testing::synthetic_images(96, 3, Shape{4, 4, 1}, 8);
    return images;
}

// Flatten, Dense 8, BatchNormalization, Dense 3 softmax; `frozen` names the layers (by index) with trainable false.
std::unique_ptr<Sequential> model(std::vector<size_t> frozen, uint64_t seed = 1) {
    std::vector<std::unique_ptr<Layer>> layers;
    layers.push_back(std::make_unique<Flatten>());
    layers.push_back(std::make_unique<Dense>(8, "relu"));
    layers.push_back(std::make_unique<BatchNormalization>());
    layers.push_back(std::make_unique<Dense>(3, "softmax"));
    for (size_t i : frozen) layers[i]->set_trainable(false);
    auto m = std::make_unique<Sequential>();
    m->add(Input{{4, 4, 1}});
    for (auto& layer : layers) m->add(std::move(layer));
    m->compile(SGD(0.1), CategoricalCrossentropy(), {.seed = seed});
    return m;
}

TEST(Trainable, AFrozenLayerKeepsItsWeightsWhileTheOthersLearn) {
    auto m = model({1});
    const auto frozen_before = values(*m->layers()[1]->params()[0]);
    const auto head_before = values(*m->layers()[3]->params()[0]);
    m->fit(data(), {.batch_size = 16, .epochs = 2});
    EXPECT_EQ(values(*m->layers()[1]->params()[0]), frozen_before);
    EXPECT_NE(values(*m->layers()[3]->params()[0]), head_before);
    // 16·8 + 8 frozen, and the batch norm's moving statistics: non-trainable in the summary.
    EXPECT_THAT(m->summary(), HasSubstr("Non-trainable params: 152"));
}

TEST(Trainable, AFrozenBatchNormKeepsItsStatisticsAndPassesGradientsBelowIt) {
    auto m = model({2});
    const auto mean_before = values(*m->layers()[2]->params()[2]);
    const auto dense_before = values(*m->layers()[1]->params()[0]);
    m->fit(data(), {.batch_size = 16, .epochs = 2});
    EXPECT_EQ(values(*m->layers()[2]->params()[2]), mean_before);   // moving mean: inference mode, untouched
    EXPECT_NE(values(*m->layers()[1]->params()[0]), dense_before);  // the gradient reached the layer below
}

TEST(Trainable, AFrozenBatchNormsBackwardIsItsInferenceFormsScale) {
    BatchNormalization bn;
    bn.set_trainable(false);
    nnlab::testing::build_with_params(bn, Shape{1, 2});
    bn.params()[0]->value.data()[0] = 2.0f;  // gamma
    bn.params()[0]->value.data()[1] = 3.0f;
    bn.params()[3]->value.data()[0] = 4.0f;  // moving variance
    bn.params()[3]->value.data()[1] = 0.25f;
    Tensor x(Shape{1, 2}), y(Shape{1, 2}), dy(Shape{1, 2}), dx(Shape{1, 2});
    bn.forward(x, y, Mode::training);
    dy.data()[0] = 1.0f;
    dy.data()[1] = -1.0f;
    bn.backward(dy, dx);
    const double epsilon = 0.001;  // Keras's default
    EXPECT_NEAR(dx.data()[0], 2.0 / std::sqrt(4.0 + epsilon), 1e-6);
    EXPECT_NEAR(dx.data()[1], -3.0 / std::sqrt(0.25 + epsilon), 1e-6);
}

TEST(Trainable, IsADescriptionKeyThatRoundTrips) {
    const auto layer = make_layer({{"type", "Dense"}, {"units", 3}, {"trainable", false}});
    EXPECT_FALSE(layer->trainable());
    EXPECT_EQ(layer_description(*layer)["trainable"], false);
    EXPECT_FALSE(layer_description(*make_layer({{"type", "Dense"}, {"units", 3}})).contains("trainable"));
    EXPECT_THAT(error_message([] {
                    make_layer({{"type", "Dense"}, {"units", 3}, {"trainable", "no"}});
                }),
                HasSubstr("trainable"));
}

TEST(LoadWeights, CopiesEveryWeightInOrderAndRefusesAnotherArchitecture) {
    nnlab::testing::TempDir dir;
    auto trained = model({}, 1);
    trained->fit(data(), {.batch_size = 16, .epochs = 1});
    save_model(*trained, dir / "m.safetensors");

    auto fresh = model({}, 99);
    load_weights(*fresh, dir / "m.safetensors");
    for (size_t l = 0; l < fresh->layers().size(); ++l)
        for (size_t p = 0; p < fresh->layers()[l]->params().size(); ++p)
            EXPECT_EQ(values(*fresh->layers()[l]->params()[p]), values(*trained->layers()[l]->params()[p]));

    auto other = std::make_unique<Sequential>();
    other->add(Input{{4, 4, 1}});
    other->add(Flatten());
    other->add(Dense(5, "softmax"));
    other->compile(SGD(0.1), CategoricalCrossentropy());
    const std::string message = error_message([&] { load_weights(*other, dir / "m.safetensors"); });
    EXPECT_THAT(message, HasSubstr((dir / "m.safetensors").string()));
    EXPECT_THAT(message, HasSubstr("another architecture"));
}

}  // namespace
}  // namespace nnlab
