// evaluate_probabilities: the evaluation figures from probabilities already computed (an ensemble's mean, TTA),
// checked against hand-computed values.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/train/classifier_evaluation.hpp"
#include "tests/support/error_message.hpp"

namespace nnlab {
namespace {

using nnlab::testing::error_message;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Four examples of two classes; labels 0, 1, 1, 0 and the class-0 probabilities 0.9, 0.2, 0.6, 0.3.
Dataset four_labels() {
    Dataset data;
    data.image_shape = Shape{1, 1, 1};
    data.images = {0, 0, 0, 0};
    data.labels = {0, 1, 1, 0};
    data.class_names = {"no", "yes"};
    return data;
}

Tensor four_rows() {
    Tensor p(Shape{4, 2});
    const float values[] = {0.9f, 0.1f, 0.2f, 0.8f, 0.6f, 0.4f, 0.3f, 0.7f};
    std::copy(std::begin(values), std::end(values), p.data());
    return p;
}

TEST(EvaluateProbabilities, CountsEveryPredictionAndScoresTheLoss) {
    const Dataset data = four_labels();
    const CategoricalCrossentropy loss;
    const ClassifierEvaluation e =
        evaluate_probabilities(four_rows(), data, "four", &loss, {"accuracy", "top_2_accuracy"});
    // Predictions 0, 1, 0, 1: example 2 (label 1) and example 3 (label 0) are wrong.
    EXPECT_THAT(e.confusion.counts(), ElementsAre(1, 1, 1, 1));
    EXPECT_DOUBLE_EQ(e.metrics.accuracy, 0.5);
    EXPECT_DOUBLE_EQ(e.summary.accuracy, 0.5);
    EXPECT_NEAR(e.summary.loss, -(std::log(0.9) + std::log(0.8) + std::log(0.4) + std::log(0.3)) / 4, 1e-6);
    ASSERT_EQ(e.summary.metrics.size(), 2u);
    EXPECT_EQ(e.summary.metrics[0].first, "accuracy");
    EXPECT_DOUBLE_EQ(e.summary.metrics[0].second, 0.5);
    EXPECT_DOUBLE_EQ(e.summary.metrics[1].second, 1.0);  // two classes: the top two are always right
    EXPECT_EQ(e.split, "four");
    EXPECT_THAT(e.class_names, ElementsAre("no", "yes"));
}

TEST(EvaluateProbabilities, WithoutALossTheLossIsNaN) {
    const ClassifierEvaluation e = evaluate_probabilities(four_rows(), four_labels(), "four");
    EXPECT_TRUE(std::isnan(e.summary.loss));
    EXPECT_DOUBLE_EQ(e.metrics.accuracy, 0.5);
}

TEST(EvaluateProbabilities, NamesTheShapeItExpected) {
    const Dataset data = four_labels();
    const Tensor three_rows(Shape{3, 2}), three_classes(Shape{4, 3});
    EXPECT_THAT(error_message([&] { evaluate_probabilities(three_rows, data, "four"); }),
                HasSubstr("expected probabilities (4, 2) (one row per example of four, one column per class), "
                          "found (3, 2)"));
    EXPECT_THAT(error_message([&] { evaluate_probabilities(three_classes, data, "four"); }), HasSubstr("(4, 3)"));
}

}  // namespace
}  // namespace nnlab
