// MetricTracker and compiled metrics: names as Keras spells them, hand-counted accuracy and top-k over
// batches, the history keys fit() logs, and the confusion matrix evaluate() fills in the same pass.
#include "nnlab/train/metric_tracker.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/optim/adam.hpp"
#include "nnlab/train/sequential.hpp"
#include "tests/support/layer_helpers.hpp"
#include "tests/support/synthetic_data.hpp"

namespace nnlab {
namespace {

using nnlab::testing::set_values;
using nnlab::testing::synthetic_images;
using ::testing::HasSubstr;
using ::testing::Pair;

std::string error_for(const std::vector<std::string>& names) {
    try {
        MetricTracker tracker(names);
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "metrics");
        return error.what();
    }
    return "no error";
}

TEST(MetricTracker, RejectsUnknownAndRepeatedNames) {
    EXPECT_THAT(error_for({"accuracy", "precision"}), HasSubstr("found \"precision\""));
    EXPECT_THAT(error_for({"top_0_accuracy"}), HasSubstr("found \"top_0_accuracy\""));
    EXPECT_THAT(error_for({"top_x_accuracy"}), HasSubstr("top_<k>_accuracy"));
    EXPECT_THAT(error_for({"accuracy", "accuracy"}), HasSubstr("listed twice"));
    EXPECT_EQ(error_for({"acc", "categorical_accuracy", "top_k_categorical_accuracy", "top_3_accuracy"}), "no error");
    EXPECT_EQ(error_for({}), "no error");
}

TEST(MetricTracker, TopKNeedsThatManyClasses) {
    const MetricTracker tracker({"top_k_accuracy"});  // k = 5
    EXPECT_NO_THROW(tracker.check_classes(5));
    try {
        tracker.check_classes(4);
        ADD_FAILURE() << "no error";
    } catch (const KeyError& error) {
        EXPECT_THAT(error.what(), HasSubstr("k = 5"));
        EXPECT_THAT(error.what(), HasSubstr("outputs 4"));
    }
}

TEST(MetricTracker, CountsAccuracyAndTopKOverBatchesAsHandCounted) {
    MetricTracker tracker({"accuracy", "top_2_accuracy"});
    // Batch 1: rows predict 0, 2, 1 (ranked 0>1>2, 2>0>1, 1>2>0); labels 0, 1, 1.
    Tensor pred(Shape{3, 3}), truth(Shape{3, 3});
    set_values(pred, {0.6f, 0.3f, 0.1f, 0.3f, 0.2f, 0.5f, 0.1f, 0.5f, 0.4f});
    set_values(truth, {1, 0, 0, 0, 1, 0, 0, 1, 0});
    tracker.add_batch(pred, truth);  // accuracy 2/3 (rows 0, 2); top-2 2/3 (row 1's label is ranked last)
    // Batch 2: one row predicting 2, label 0 ranked second.
    Tensor pred2(Shape{1, 3}), truth2(Shape{1, 3});
    set_values(pred2, {0.3f, 0.1f, 0.6f});
    set_values(truth2, {1, 0, 0});
    tracker.add_batch(pred2, truth2);  // accuracy 2/4, top-2 3/4
    EXPECT_THAT(tracker.results(), ::testing::ElementsAre(Pair("accuracy", 0.5), Pair("top_2_accuracy", 0.75)));
    tracker.reset();
    EXPECT_THAT(tracker.results(), ::testing::ElementsAre(Pair("accuracy", 0.0), Pair("top_2_accuracy", 0.0)));
}

TEST(MetricTracker, BinaryAccuracyAndAucOnABinaryClassifiersOneOutput) {
    MetricTracker tracker({"accuracy", "binary_accuracy", "auc"});
    // P(class 1) 0.1, 0.6, 0.35, 0.8 for labels 0, 0, 1, 1: above 0.5 predicts 1, so rows 0 and 3 are right.
    Tensor pred(Shape{4, 1}), truth(Shape{4, 1});
    set_values(pred, {0.1f, 0.6f, 0.35f, 0.8f});
    set_values(truth, {0, 0, 1, 1});
    tracker.add_batch(pred, truth);
    // accuracy resolves to binary accuracy for one output (Keras); AUC: 3 of the 4 pairs ranked right.
    EXPECT_THAT(tracker.results(), ::testing::ElementsAre(Pair("accuracy", 0.5), Pair("binary_accuracy", 0.5),
                                                          Pair("auc", ::testing::DoubleNear(0.75, 1e-12))));
    // The counts carry every metric's state: summed into a fresh tracker (another rank's), they give the same.
    MetricTracker other({"accuracy", "binary_accuracy", "auc"});
    other.add_counts(tracker.counts());
    EXPECT_EQ(other.results(), tracker.results());
    MetricTracker restored({"accuracy", "binary_accuracy", "auc"});
    restored.restore_state(tracker.state());
    EXPECT_EQ(restored.results(), tracker.results());
    EXPECT_THAT(error_for({"auc", "AUC"}), "no error");
}

TEST(MetricTracker, BinaryAccuracyCountsEveryOutputOfOneHotRows) {
    // Keras: mean(y_true == (y_pred > 0.5)) over all outputs: [0.7, 0.2] vs [1, 0] both right, [0.6, 0.3] vs
    // [0, 1] both wrong: 2 of 4.
    MetricTracker tracker({"binary_accuracy"});
    Tensor pred(Shape{2, 2}), truth(Shape{2, 2});
    set_values(pred, {0.7f, 0.2f, 0.6f, 0.3f});
    set_values(truth, {1, 0, 0, 1});
    tracker.add_batch(pred, truth);
    EXPECT_EQ(tracker.result(0), 0.5);
}

std::unique_ptr<Sequential> model_with(std::vector<std::string> metrics) {
    auto model = std::make_unique<Sequential>();
    model->add(Input{{4, 4, 3}});
    model->add(Flatten());
    model->add(Dense(4, "softmax"));
    model->compile(Adam(0.01), CategoricalCrossentropy(), {.seed = 3, .metrics = std::move(metrics)});
    return model;
}

TEST(CompiledMetrics, FitLogsEachUnderItsNameAndValPrefixInKerasOrder) {
    const Dataset train = synthetic_images(200, 4, Shape{4, 4, 3}, 1);
    const Dataset test = synthetic_images(100, 4, Shape{4, 4, 3}, 2);
    auto model = model_with({"top_2_accuracy", "accuracy"});
    const History history = model->fit(train, {.batch_size = 32, .epochs = 2, .validation_data = &test});
    EXPECT_EQ(history.keys(), (std::vector<std::string>{"accuracy", "loss", "top_2_accuracy", "val_accuracy",
                                                        "val_loss", "val_top_2_accuracy", "learning_rate"}));
    const Evaluation last = model->evaluate(test, 32);
    EXPECT_THAT(last.metrics,
                ::testing::ElementsAre(Pair("top_2_accuracy", history.values("val_top_2_accuracy").back()),
                                       Pair("accuracy", history.values("val_accuracy").back())));
    EXPECT_GE(history.values("val_top_2_accuracy").back(), history.values("val_accuracy").back());

    auto plain = model_with({});
    const History loss_only = plain->fit(train, {.batch_size = 32, .epochs = 1});
    EXPECT_EQ(loss_only.keys(), (std::vector<std::string>{"loss", "learning_rate"}));
}

TEST(CompiledMetrics, CompileRejectsTopKAboveTheClassCount) {
    EXPECT_THROW(model_with({"top_5_accuracy"}), KeyError);
}

TEST(CompiledMetrics, EvaluateFillsTheConfusionMatrixInTheSamePass) {
    const Dataset train = synthetic_images(200, 4, Shape{4, 4, 3}, 1);
    const Dataset test = synthetic_images(90, 4, Shape{4, 4, 3}, 2);
    auto model = model_with({"accuracy"});
    model->fit(train, {.batch_size = 32, .epochs = 2});
    ConfusionMatrix confusion(4);
    const Evaluation result = model->evaluate(test, 16, nullptr, &confusion);
    EXPECT_EQ(confusion.total(), 90);
    int64_t diagonal = 0;
    for (int64_t c = 0; c < 4; ++c) {
        diagonal += confusion.count(c, c);
        int64_t row = 0;
        for (int64_t p = 0; p < 4; ++p) row += confusion.count(c, p);
        EXPECT_EQ(row, std::count(test.labels.begin(), test.labels.end(), static_cast<int32_t>(c)));
    }
    EXPECT_DOUBLE_EQ(static_cast<double>(diagonal) / 90.0, result.accuracy);
    ConfusionMatrix wrong(3);
    EXPECT_THROW(model->evaluate(test, 16, nullptr, &wrong), Error);
}

}  // namespace
}  // namespace nnlab
