// Normalization (Keras: layers.Normalization with adapt()): statistics from data, the standardised output, the
// gradient, a constant feature, and the statistics saved with the model.
#include "nnlab/layers/normalization.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/io/model_file.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/losses/binary_crossentropy.hpp"
#include "nnlab/optim/adam.hpp"
#include "nnlab/train/sequential.hpp"
#include "tests/support/gradcheck.hpp"
#include "tests/support/layer_helpers.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatNear;
using namespace nnlab::testing;

TEST(Normalization, AdaptsMeanAndPopulationVarianceThenStandardises) {
    Normalization layer;
    build_with_params(layer, Shape{Shape::unknown, 2});
    // Columns (1, 3, 5) and (10, 30, 50): means 3 and 30, variances 8/3 and 800/3 (numpy's var, ddof 0).
    layer.adapt(tensor({3, 2}, {1, 10, 3, 30, 5, 50}));
    EXPECT_THAT(values(layer.mean().value), ElementsAre(3.0f, 30.0f));
    EXPECT_THAT(values(layer.variance().value), ElementsAre(FloatNear(8.0f / 3, 1e-6f), FloatNear(800.0f / 3, 1e-4f)));
    const float z = static_cast<float>(2 / std::sqrt(8.0 / 3));
    EXPECT_THAT(values(forward_once(layer, Shape{2, 2}, {1, 50, 3, 30}, Shape{2, 2})),
                ElementsAre(FloatNear(-z, 1e-6f), FloatNear(z, 1e-6f), FloatNear(0, 1e-7f), FloatNear(0, 1e-7f)));
    EXPECT_EQ(layer.mean().trainable, false);
}

TEST(Normalization, AConstantFeatureIsDividedByEpsilonNotZero) {
    Normalization layer;
    build_with_params(layer, Shape{Shape::unknown, 1});
    layer.adapt(tensor({2, 1}, {4, 4}));
    EXPECT_THAT(values(forward_once(layer, Shape{1, 1}, {4}, Shape{1, 1})), ElementsAre(0.0f));
}

TEST(Normalization, StatisticsArePerLastAxisFeatureOfImages) {
    Normalization layer;
    build_with_params(layer, Shape{Shape::unknown, 1, 2, 2});
    layer.adapt(tensor({1, 1, 2, 2}, {0, 5, 2, 7}));  // channel 0: 0, 2; channel 1: 5, 7
    EXPECT_THAT(values(layer.mean().value), ElementsAre(1.0f, 6.0f));
    EXPECT_THAT(values(layer.variance().value), ElementsAre(1.0f, 1.0f));
}

TEST(Normalization, GradientsMatchCentralDifferences) {
    Normalization layer;
    EXPECT_LAYER_GRADIENTS_OK(layer, Shape{3, 4});
}

TEST(Normalization, AdaptedStatisticsTravelWithTheModelFile) {
    Sequential model;
    model.add(Input{{2}});
    model.add(Normalization());
    model.add(Dense(1, "sigmoid"));
    model.compile(Adam(0.01), BinaryCrossentropy(), {.seed = 1, .metrics = {"binary_accuracy", "auc"}});
    const Tensor x = tensor({4, 2}, {1, 100, 2, 300, 3, 200, 4, 400});
    model.adapt(x);
    TempDir dir;
    save_model(model, dir / "m.safetensors");
    const LoadedModel loaded = load_model(dir / "m.safetensors");
    EXPECT_EQ(values(loaded.model->predict(x)), values(model.predict(x)));
    EXPECT_EQ(loaded.model->metrics(), (std::vector<std::string>{"binary_accuracy", "auc"}));
}

}  // namespace
}  // namespace nnlab
