// The pooling, normalisation, dropout, padding and reshape layers together inside Sequential: they build,
// train, keep their moving statistics out of the optimizer's reach and predict deterministically.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/layers/average_pooling2d.hpp"
#include "nnlab/layers/batch_normalization.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/dropout.hpp"
#include "nnlab/layers/global_pooling2d.hpp"
#include "nnlab/layers/max_pooling2d.hpp"
#include "nnlab/layers/reshape.hpp"
#include "nnlab/layers/zero_padding2d.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/optim/adam.hpp"
#include "nnlab/train/sequential.hpp"
#include "tests/support/synthetic_data.hpp"

namespace nnlab {
namespace {

using nnlab::testing::synthetic_images;

std::unique_ptr<Sequential> small_cnn(uint64_t seed) {
    auto model = std::make_unique<Sequential>();
    model->add(Input{{8, 8, 3}});
    model->add(ZeroPadding2D(1));      // (10, 10, 3)
    model->add(BatchNormalization());  // rank 4
    model->add(MaxPooling2D());        // (5, 5, 3)
    model->add(AveragePooling2D({3, 3}, {.strides = std::array<int64_t, 2>{1, 1}, .padding = "same"}));
    model->add(Dropout(0.25));
    model->add(Reshape({25, 3}));  // rank 3 for the next norm
    model->add(BatchNormalization({.momentum = 0.9}));
    model->add(Reshape({5, 5, 3}));
    model->add(GlobalMaxPooling2D());  // (3)
    model->add(BatchNormalization());  // rank 2
    model->add(Dense(3, "softmax"));
    model->compile(Adam(0.01), CategoricalCrossentropy(), {.seed = seed});
    return model;
}

TEST(CnnLayersInSequential, TrainAndPredict) {
    const Dataset train = synthetic_images(200, 3, Shape{8, 8, 3}, 1);
    auto model = small_cnn(3);
    EXPECT_EQ(model->output_shape(), (Shape{Shape::unknown, 3}));
    int64_t non_trainable = 0;
    for (const Param* p : model->params())
        if (!p->trainable) non_trainable += p->shape.numel();
    EXPECT_EQ(non_trainable, 3 * 2 * 3);  // three norms of three channels, mean and variance each

    const History history = model->fit(train, {.batch_size = 32, .epochs = 3});
    for (double loss : history.values("loss")) EXPECT_TRUE(std::isfinite(loss));
    // Training moved the first norm's moving mean away from its zeros.
    auto* norm = dynamic_cast<BatchNormalization*>(model->layers()[1].get());
    ASSERT_NE(norm, nullptr);
    double moved = 0.0;
    for (float v : norm->moving_mean().value.values()) moved += std::abs(v);
    EXPECT_GT(moved, 0.0);

    // Inference: no dropout, moving statistics only, so two predictions agree bit for bit.
    const Tensor first = model->predict(train), second = model->predict(train);
    ASSERT_EQ(first.numel(), 200 * 3);
    for (int64_t i = 0; i < first.numel(); ++i) ASSERT_EQ(first[i], second[i]);
}

TEST(CnnLayersInSequential, SameSeedTrainsTheSameWeights) {
    const Dataset train = synthetic_images(100, 3, Shape{8, 8, 3}, 2);
    auto a = small_cnn(5), b = small_cnn(5);
    a->fit(train, {.batch_size = 16, .epochs = 1});
    b->fit(train, {.batch_size = 16, .epochs = 1});
    const std::vector<Param*> pa = a->params(), pb = b->params();
    ASSERT_EQ(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i)
        for (int64_t j = 0; j < pa[i]->value.numel(); ++j) ASSERT_EQ(pa[i]->value[j], pb[i]->value[j]) << pa[i]->name;
}

}  // namespace
}  // namespace nnlab
