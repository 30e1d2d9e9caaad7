// ConfusionMatrix — counts of (true label, predicted label) pairs, streamed per batch.
#include "nnlab/metrics/confusion_matrix.hpp"

#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/metrics/predicted_classes.hpp"

namespace nnlab {
ConfusionMatrix::ConfusionMatrix(int64_t num_classes) : num_classes_(num_classes) {
    if (num_classes < 1) {
        throw Error("ConfusionMatrix: num_classes must be at least 1, found " + std::to_string(num_classes));
    }
    counts_.assign(static_cast<size_t>(num_classes * num_classes), 0);
}

void ConfusionMatrix::check_label(const char* what, int64_t label) const {
    if (label < 0 || label >= num_classes_) {
        throw Error("ConfusionMatrix: " + std::string(what) + " " + std::to_string(label) +
                    " is out of range; expected a class index from 0 to " + std::to_string(num_classes_ - 1) + " (" +
                    std::to_string(num_classes_) + " classes)");
    }
}

void ConfusionMatrix::add(int64_t true_label, int64_t predicted) {
    check_label("true label", true_label);
    check_label("predicted label", predicted);
    ++counts_[static_cast<size_t>(true_label * num_classes_ + predicted)];
    ++total_;
}

void ConfusionMatrix::add_batch(const Tensor& scores, const int32_t* labels) {
    const Shape& shape = scores.shape();
    if (shape.rank() != 2 || !outputs_fit_classes(shape[1], num_classes_)) {
        throw Error("ConfusionMatrix::add_batch: expected scores of shape " +
                    Shape{Shape::unknown, num_classes_}.to_string() + " (batch, classes), found " + shape.to_string());
    }
    const int64_t rows = shape[0];
    if (rows > 0 && labels == nullptr)
        throw Error("ConfusionMatrix::add_batch: labels is null for a batch of " + std::to_string(rows) + " rows");
    for (int64_t i = 0; i < rows; ++i) {
        if (labels[i] < 0 || labels[i] >= num_classes_) {
            throw Error("ConfusionMatrix::add_batch: label " + std::to_string(labels[i]) + " of row " +
                        std::to_string(i) + " is out of range; expected a class index from 0 to " +
                        std::to_string(num_classes_ - 1) + " (" + std::to_string(num_classes_) + " classes)");
        }
    }
    predicted_.resize(static_cast<size_t>(rows));
    predicted_classes(scores, predicted_.data());
    for (int64_t i = 0; i < rows; ++i) ++counts_[static_cast<size_t>(labels[i] * num_classes_ + predicted_[size_t(i)])];
    total_ += rows;
}

void ConfusionMatrix::merge(const ConfusionMatrix& other) {
    if (other.num_classes_ != num_classes_) {
        throw Error("ConfusionMatrix::merge: cannot add a matrix of " + std::to_string(other.num_classes_) +
                    " classes to one of " + std::to_string(num_classes_) + " classes");
    }
    for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
}

void ConfusionMatrix::add_counts(const std::vector<int64_t>& counts) {
    if (counts.size() != counts_.size()) {
        throw Error("ConfusionMatrix::add_counts: expected " + std::to_string(counts_.size()) + " counts, found " +
                    std::to_string(counts.size()));
    }
    for (size_t i = 0; i < counts_.size(); ++i) {
        counts_[i] += counts[i];
        total_ += counts[i];
    }
}

int64_t ConfusionMatrix::count(int64_t true_label, int64_t predicted) const {
    check_label("true label", true_label);
    check_label("predicted label", predicted);
    return counts_[static_cast<size_t>(true_label * num_classes_ + predicted)];
}

std::string ConfusionMatrix::to_csv(const std::vector<std::string>& class_names) const {
    const std::vector<std::string> names = class_names_or_indices(class_names, num_classes_);
    std::string text = "true\\predicted";
    for (const auto& name : names) text += "," + csv_field(name);
    text += "\n";
    for (int64_t t = 0; t < num_classes_; ++t) {
        text += csv_field(names[static_cast<size_t>(t)]);
        for (int64_t p = 0; p < num_classes_; ++p) {
            text += ",";
            text += std::to_string(counts_[static_cast<size_t>(t * num_classes_ + p)]);
        }
        text += "\n";
    }
    return text;
}

std::vector<std::string> class_names_or_indices(const std::vector<std::string>& class_names, int64_t num_classes) {
    if (class_names.empty()) {
        std::vector<std::string> names;
        for (int64_t i = 0; i < num_classes; ++i) names.push_back(std::to_string(i));
        return names;
    }
    if (static_cast<int64_t>(class_names.size()) != num_classes) {
        throw Error("expected " + std::to_string(num_classes) + " class names (one per class) or none, found " +
                    std::to_string(class_names.size()));
    }
    return class_names;
}

}  // namespace nnlab
