// ClassifierEvaluation — a classifier's results on one labelled split, every prediction counted: loss, compiled
// metrics, confusion matrix, precision/recall/F1 (Keras: model.evaluate, with scikit-learn's metrics beside it).
#pragma once

#include <string>
#include <vector>

#include "nnlab/data/augment/augment.hpp"
#include "nnlab/data/dataset.hpp"
#include "nnlab/losses/loss.hpp"
#include "nnlab/metrics/classification_metrics.hpp"
#include "nnlab/metrics/confusion_matrix.hpp"
#include "nnlab/tensor/tensor.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

// A model's results on one labelled split: loss and compiled metrics, and every prediction counted.
struct ClassifierEvaluation {
    std::string split;  // what was evaluated, e.g. "cifar10 test split (10,000 images)"
    Evaluation summary;
    ConfusionMatrix confusion;
    ClassificationMetrics metrics;
    std::vector<std::string> class_names;
};

// One pass over `data`: loss, metrics and confusion matrix (with `data_parallel`, each rank evaluates its share and
// every rank gets the whole). Throws nnlab::Error when the model and the data do not fit (input shape, class
// count), naming both.
ClassifierEvaluation evaluate_classifier(Sequential& model, const Dataset& data, const std::string& split,
                                         int64_t batch_size = 32, const Augmenter* augmenter = nullptr,
                                         Communicator* data_parallel = nullptr);

// The same figures from outputs already computed (an ensemble's mean, test-time augmentation): `probabilities`
// (N, classes), row i for example i of `data`. summary.loss is `loss` on these probabilities (no weight penalty; NaN
// without a loss), summary.metrics the MetricTracker metrics named in `metrics`. Throws nnlab::Error when the rows
// or classes do not match the data.
ClassifierEvaluation evaluate_probabilities(const Tensor& probabilities, const Dataset& data, const std::string& split,
                                            const Loss* loss = nullptr,
                                            const std::vector<std::string>& metrics = {"accuracy"});

}  // namespace nnlab
