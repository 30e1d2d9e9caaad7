// Precision, recall, F1 and support per class and averaged, from a confusion matrix
// (scikit-learn: precision_recall_fscore_support with labels=range(num_classes), zero_division=0).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/metrics/confusion_matrix.hpp"

namespace nnlab {

struct ClassScores {
    double precision = 0.0;
    double recall = 0.0;
    double f1 = 0.0;
    int64_t support = 0;  // true examples of the class; for the averages, all examples
};

struct ClassificationMetrics {
    double accuracy = 0.0;
    ClassScores micro;     // single-label: precision = recall = f1 = accuracy
    ClassScores macro;     // unweighted mean over every class, those never seen included
    ClassScores weighted;  // mean weighted by each class's support
    std::vector<ClassScores> per_class;
    int64_t total = 0;
};

// A division by zero gives 0, never NaN: precision of a class never predicted, recall of a class with no
// true examples, F1 = 2·tp / (2·tp + fp + fn) when both are 0 (scikit-learn's formula since 1.3), and
// every score of an empty matrix.
ClassificationMetrics classification_metrics(const ConfusionMatrix& matrix);

// {"accuracy": …, "micro": {"precision", "recall", "f1", "support"}, "macro": {…}, "weighted": {…},
//  "per_class": [{"class": name, "precision", "recall", "f1", "support"}, …], "total": …}.
// class_names as ConfusionMatrix::to_csv takes them.
nlohmann::json to_json(const ClassificationMetrics& metrics, const std::vector<std::string>& class_names = {});

}  // namespace nnlab
