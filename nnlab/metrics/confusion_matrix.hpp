// ConfusionMatrix — counts of (true label, predicted label) pairs, streamed per batch
// (scikit-learn: sklearn.metrics.confusion_matrix with labels=range(num_classes)).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

class ConfusionMatrix {
public:
    // Throws nnlab::Error when num_classes < 1.
    explicit ConfusionMatrix(int64_t num_classes);

    // One example; both labels must be in [0, num_classes).
    void add(int64_t true_label, int64_t predicted);
    // scores (n, num_classes): probabilities or logits, or (n, 1) for two classes; labels (n). The prediction is
    // predicted_classes' (the argmax of each row, the first maximum on ties and the first NaN when there is one, as
    // numpy.argmax; a single score above 0.5 for class 1). Every label is
    // checked before anything is counted, so a batch that throws leaves the matrix as it was.
    void add_batch(const Tensor& scores, const int32_t* labels);
    // Adds another matrix's counts (e.g. from another thread or another part of the data).
    void merge(const ConfusionMatrix& other);
    // Adds counts laid out as counts() (e.g. summed over the ranks of a data-parallel evaluation).
    void add_counts(const std::vector<int64_t>& counts);

    int64_t count(int64_t true_label, int64_t predicted) const;
    int64_t total() const { return total_; }
    int64_t num_classes() const { return num_classes_; }
    // Row-major (num_classes, num_classes): rows are true labels, columns predictions, as scikit-learn.
    const std::vector<int64_t>& counts() const { return counts_; }

    // "true\predicted,<names…>" then one row per true class, starting with its name. class_names is
    // num_classes long, or empty for "0", "1", …; names with commas, quotes or line breaks are quoted
    // as RFC 4180 says. Lines end in "\n", as history.csv.
    std::string to_csv(const std::vector<std::string>& class_names = {}) const;

private:
    void check_label(const char* what, int64_t label) const;

    int64_t num_classes_;
    int64_t total_ = 0;
    std::vector<int64_t> counts_;
    std::vector<int32_t> predicted_;  // scratch: a batch's predictions
};

// class_names when it holds num_classes names, "0", "1", … when it is empty; throws nnlab::Error
// naming both sizes otherwise. Shared by every metrics output that labels classes.
std::vector<std::string> class_names_or_indices(const std::vector<std::string>& class_names, int64_t num_classes);

}  // namespace nnlab
