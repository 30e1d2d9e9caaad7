// TopKAccuracy — how often the true label is among the k highest scores, streamed per batch
// (Keras: metrics.SparseTopKCategoricalAccuracy / sparse_top_k_categorical_accuracy).
#pragma once

#include <cstdint>

#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

// The rule is tf.math.in_top_k's, which Keras uses: row i is correct when fewer than k classes score
// strictly higher than its label. Ties at the k-th score therefore all count as in the top k (scores
// (0.5, 0.3, 0.3) with k = 2: labels 1 and 2 are both correct), and k = 1 is accuracy whenever the
// maximum is unique. A row holding a NaN or an infinity is never correct, as in_top_k says it cannot
// tell. scores (rows, classes), labels (rows); throws nnlab::Error unless 1 <= k <= classes and every
// label is in [0, classes).
int64_t count_top_k_correct(const float* scores, const int32_t* labels, int64_t rows, int64_t classes, int k);

class TopKAccuracy {
public:
    // k = 5 is Keras's default; throws nnlab::Error when k < 1.
    explicit TopKAccuracy(int k = 5);

    // scores (n, classes) with classes >= k, labels (n).
    void add_batch(const Tensor& scores, const int32_t* labels);
    // correct / count; 0 before any example, as Keras's mean metrics return.
    double result() const;
    int64_t count() const { return count_; }
    int64_t correct() const { return correct_; }
    int k() const { return k_; }

private:
    int k_;
    int64_t correct_ = 0;
    int64_t count_ = 0;
};

}  // namespace nnlab
