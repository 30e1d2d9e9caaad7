// Ensemble: the mean of its members' probabilities; one model twice is that model; members must fit together.
#include "nnlab/train/ensemble.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/optim/adam.hpp"
#include "nnlab/report/run_report.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/synthetic_data.hpp"

namespace nnlab {
namespace {

using nnlab::testing::error_message;
using nnlab::testing::synthetic_images;
using ::testing::HasSubstr;

std::unique_ptr<Sequential> classifier(uint64_t seed, const Shape& input = {3, 5, 2}, int classes = 3) {
    auto model = std::make_unique<Sequential>();
    model->add(Input{input});
    model->add(Flatten());
    model->add(Dense(6, "relu"));
    model->add(Dense(classes, "softmax"));
    model->compile(Adam(0.01), CategoricalCrossentropy(), {.seed = seed});
    return model;
}

std::vector<float> values_of(const Tensor& t) {
    return {t.data(), t.data() + t.numel()};
}

TEST(Ensemble, TwoCopiesOfOneModelGiveItsProbabilitiesAndMetrics) {
    const Dataset data = synthetic_images(17, 3, Shape{3, 5, 2}, 4);
    auto model = classifier(1), copy = classifier(1);  // the same seed: the same weights
    auto trained = classifier(9);
    trained->fit(data, {.batch_size = 4, .epochs = 3});  // so that the metrics are not those of a fresh model
    for (Sequential* m : {model.get(), copy.get()}) {
        std::copy_n(trained->weights().data(), trained->weights().size(), m->weights().data());
    }
    const EnsemblePrediction ensemble =
        predict_ensemble({{"a", model.get()}, {"b", copy.get()}}, data, {.batch_size = 4});
    EXPECT_EQ(values_of(ensemble.probabilities), values_of(model->predict(data, 4)));
    ASSERT_EQ(ensemble.member_outputs.size(), 2u);

    const ClassifierEvaluation alone = evaluate_classifier(*model, data, "train", 4);
    const ClassifierEvaluation mean =
        evaluate_probabilities(ensemble.probabilities, data, "train", &model->loss(), model->metrics());
    EXPECT_EQ(mean.confusion.counts(), alone.confusion.counts());
    EXPECT_EQ(mean.metrics.accuracy, alone.metrics.accuracy);
    EXPECT_EQ(mean.metrics.macro.f1, alone.metrics.macro.f1);
    EXPECT_EQ(mean.summary.accuracy, alone.summary.accuracy);
    EXPECT_NEAR(mean.summary.loss, alone.summary.loss, 1e-6);
    ASSERT_EQ(mean.summary.metrics.size(), 1u);
    EXPECT_EQ(mean.summary.metrics[0], alone.summary.metrics[0]);
    EXPECT_GT(alone.metrics.accuracy, 0.5);  // trained: a confusion matrix with more than one column in use
}

TEST(Ensemble, TwoModelsGiveTheMeanOfTheirPredictions) {
    const Dataset data = synthetic_images(11, 3, Shape{3, 5, 2}, 2);
    auto a = classifier(1), b = classifier(2);
    const Tensor pa = a->predict(data, 32), pb = b->predict(data, 32);
    const EnsemblePrediction ensemble = predict_ensemble({{"a", a.get()}, {"b", b.get()}}, data);
    ASSERT_EQ(ensemble.probabilities.shape(), (Shape{11, 3}));
    double apart = 0.0;
    for (int64_t i = 0; i < pa.numel(); ++i) {
        EXPECT_FLOAT_EQ(ensemble.probabilities[i], (pa[i] + pb[i]) / 2.0f) << i;
        EXPECT_EQ(ensemble.member_outputs[0][i], pa[i]);
        EXPECT_EQ(ensemble.member_outputs[1][i], pb[i]);
        apart += std::abs(pa[i] - pb[i]);
    }
    EXPECT_GT(apart, 1e-3) << "the two members agree; the test would not see a wrong mean";
}

TEST(Ensemble, ThreeModelsWithFlipTtaAverageEachMembersTta) {
    const Dataset data = synthetic_images(7, 3, Shape{3, 5, 2}, 6);
    auto a = classifier(1), b = classifier(2), c = classifier(3);
    const PredictOptions tta{.batch_size = 3, .horizontal_flip_tta = true};
    const EnsemblePrediction ensemble = predict_ensemble({{"a", a.get()}, {"b", b.get()}, {"c", c.get()}}, data, tta);
    const Tensor pa = predict_probabilities(*a, data, tta), pb = predict_probabilities(*b, data, tta),
                 pc = predict_probabilities(*c, data, tta);
    for (int64_t i = 0; i < pa.numel(); ++i) {
        EXPECT_FLOAT_EQ(ensemble.probabilities[i], (pa[i] + pb[i] + pc[i]) / 3.0f) << i;
    }
}

TEST(Ensemble, MembersThatDoNotFitTogetherAreNamedWithTheirShapes) {
    auto a = classifier(1), other_images = classifier(1, {5, 3, 2}), other_classes = classifier(1, {3, 5, 2}, 4);
    const std::string images = error_message([&] {
        check_ensemble_members({{"a.safetensors", a.get()}, {"b.safetensors", other_images.get()}});
    });
    EXPECT_THAT(images, HasSubstr("b.safetensors takes images (5, 3, 2) and outputs (None, 3)"));
    EXPECT_THAT(images, HasSubstr("a.safetensors takes images (3, 5, 2) and outputs (None, 3)"));
    const std::string classes = error_message([&] {
        check_ensemble_members({{"a.safetensors", a.get()}, {"c.safetensors", other_classes.get()}});
    });
    EXPECT_THAT(classes, HasSubstr("c.safetensors takes images (3, 5, 2) and outputs (None, 4)"));
    EXPECT_THAT(error_message([] { check_ensemble_members({}); }), HasSubstr("at least one model"));
}

}  // namespace
}  // namespace nnlab
