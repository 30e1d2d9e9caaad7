// AUC — the area under the ROC curve, counted at fixed thresholds as Keras's metrics.AUC does (num_thresholds =
// 200, curve = "ROC", summation_method = "interpolation", multi_label = False: every output and its target are
// one binary prediction). Counts are integers, so they sum over batches and over the ranks of a data-parallel run.
#pragma once

#include <cstdint>
#include <vector>

#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

class AucCounts {
public:
    // Throws nnlab::KeyError("num_thresholds") unless num_thresholds > 1 (Keras's check).
    explicit AucCounts(int num_thresholds = 200);

    // y_pred and y_true of one shape; y_true nonzero is a positive (Keras casts it to bool), y_pred is compared
    // with each threshold (a prediction above it is positive). Throws nnlab::Error on different shapes.
    void add_batch(const Tensor& y_pred, const Tensor& y_true);
    // Keras's thresholds: 0 − 1e-7, i / (num_thresholds − 1) for i = 1 … num_thresholds − 2, 1 + 1e-7, in float32.
    const std::vector<float>& thresholds() const { return thresholds_; }
    // The trapezoidal area under (false positive rate, true positive rate) over the thresholds; 0 before any
    // example, and divisions by zero count as 0 as Keras's divide_no_nan.
    double result() const;

    // [positives per bucket…, negatives per bucket…]: bucket b counts predictions above exactly b thresholds.
    const std::vector<int64_t>& counts() const { return counts_; }
    std::vector<int64_t>& counts() { return counts_; }

private:
    std::vector<float> thresholds_;
    std::vector<int64_t> counts_;
};

}  // namespace nnlab
