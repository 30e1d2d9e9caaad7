// ClassifierEvaluation — a classifier's results on one labelled split.
#include "nnlab/train/classifier_evaluation.hpp"

#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/metrics/predicted_classes.hpp"
#include "nnlab/train/metric_tracker.hpp"

namespace nnlab {
namespace {

void check_classes(const Shape& outputs, const Dataset& data, const std::string& split) {
    if (outputs.rank() != 2 || !outputs_fit_classes(outputs[1], data.num_classes())) {
        throw Error("the model outputs " + outputs.to_string() + " but " + split + " has " +
                    std::to_string(data.num_classes()) + " classes");
    }
}

ClassifierEvaluation finish(const std::string& split, const Evaluation& summary, ConfusionMatrix confusion,
                            const Dataset& data) {
    ClassificationMetrics metrics = classification_metrics(confusion);
    return {split, summary, std::move(confusion), std::move(metrics), data.class_names};
}

}  // namespace

ClassifierEvaluation evaluate_classifier(Sequential& model, const Dataset& data, const std::string& split,
                                         int64_t batch_size, const Augmenter* augmenter, Communicator* data_parallel) {
    check_classes(model.output_shape(), data, split);
    ConfusionMatrix confusion(data.num_classes());
    const Evaluation summary = model.evaluate(data, batch_size, augmenter, &confusion, data_parallel);
    return finish(split, summary, std::move(confusion), data);
}

ClassifierEvaluation evaluate_probabilities(const Tensor& probabilities, const Dataset& data, const std::string& split,
                                            const Loss* loss, const std::vector<std::string>& metrics) {
    const int64_t classes = data.num_classes();
    const int64_t outputs =
        probabilities.shape().rank() == 2 && probabilities.cols() == 1 && classes == 2 ? 1 : classes;
    const Shape expected{data.size(), outputs};
    if (probabilities.shape() != expected) {
        throw Error("evaluate: expected probabilities " + expected.to_string() + " (one row per example of " + split +
                    ", one column per class), found " + probabilities.shape().to_string());
    }
    Tensor one_hot(Shape{data.size(), outputs});  // the targets as the loader makes them
    for (int64_t i = 0; i < data.size(); ++i) {
        const int32_t label = data.labels[static_cast<size_t>(i)];
        one_hot[outputs == 1 ? i : i * classes + label] = outputs == 1 ? static_cast<float>(label) : 1.0f;
    }
    ConfusionMatrix confusion(classes);
    confusion.add_batch(probabilities, data.labels.data());
    MetricTracker tracker(metrics);
    tracker.check_classes(outputs);
    tracker.add_batch(probabilities, one_hot);
    int64_t correct = 0;
    for (int64_t c = 0; c < classes; ++c) correct += confusion.count(c, c);
    const Evaluation summary{.loss = loss != nullptr ? loss->compute(probabilities, one_hot, nullptr) : std::nan(""),
                             .accuracy = static_cast<double>(correct) / static_cast<double>(data.size()),
                             .metrics = tracker.results()};
    return finish(split, summary, std::move(confusion), data);
}

}  // namespace nnlab
