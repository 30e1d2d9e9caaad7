// TopKAccuracy — how often the true label is among the k highest scores, streamed per batch.
#include "nnlab/metrics/top_k_accuracy.hpp"

#include <cmath>
#include <string>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
int64_t count_top_k_correct(const float* scores, const int32_t* labels, int64_t rows, int64_t classes, int k) {
    if (classes < 1) throw Error("top-k accuracy: scores need at least 1 class, found " + std::to_string(classes));
    if (k < 1 || k > classes) {
        throw Error("top-k accuracy: k = " + std::to_string(k) +
                    " is out of range; expected 1 <= k <= " + std::to_string(classes) + " (the number of classes)");
    }
    if (rows < 0) throw Error("top-k accuracy: the number of rows must not be negative, found " + std::to_string(rows));
    if (rows > 0 && (scores == nullptr || labels == nullptr)) {
        throw Error("top-k accuracy: scores or labels is null for a batch of " + std::to_string(rows) + " rows");
    }
    for (int64_t i = 0; i < rows; ++i) {
        if (labels[i] < 0 || labels[i] >= classes) {
            throw Error("top-k accuracy: label " + std::to_string(labels[i]) + " of row " + std::to_string(i) +
                        " is out of range; expected a class index from 0 to " + std::to_string(classes - 1) + " (" +
                        std::to_string(classes) + " classes)");
        }
    }
    return count_in_top_k(Tensor::view_of(const_cast<float*>(scores), Shape{rows, classes}), labels, k);
}

TopKAccuracy::TopKAccuracy(int k) : k_(k) {
    if (k < 1) throw Error("TopKAccuracy: k must be at least 1, found " + std::to_string(k));
}

void TopKAccuracy::add_batch(const Tensor& scores, const int32_t* labels) {
    const Shape& shape = scores.shape();
    if (shape.rank() != 2) {
        throw Error("TopKAccuracy::add_batch: expected scores of shape (batch, classes), found " + shape.to_string());
    }
    correct_ += count_top_k_correct(scores.data(), labels, shape[0], shape[1], k_);
    count_ += shape[0];
}

double TopKAccuracy::result() const {
    return count_ == 0 ? 0.0 : static_cast<double>(correct_) / static_cast<double>(count_);
}

}  // namespace nnlab
