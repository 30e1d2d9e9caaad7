// AUC — ROC area from per-threshold counts, as keras.metrics.AUC(num_thresholds=200) computes it.
#include "nnlab/metrics/auc.hpp"

#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"

namespace nnlab {

AucCounts::AucCounts(int num_thresholds) {
    if (num_thresholds <= 1) {
        throw KeyError("num_thresholds",
                       "num_thresholds: expected more than 1, found " + std::to_string(num_thresholds));
    }
    constexpr double epsilon = 1e-7;  // Keras's backend.epsilon()
    thresholds_.push_back(static_cast<float>(0.0 - epsilon));
    for (int i = 0; i < num_thresholds - 2; ++i)
        thresholds_.push_back(static_cast<float>((i + 1) * 1.0 / (num_thresholds - 1)));
    thresholds_.push_back(static_cast<float>(1.0 + epsilon));
    counts_.assign(2 * (thresholds_.size() + 1), 0);
}

void AucCounts::add_batch(const Tensor& y_pred, const Tensor& y_true) {
    if (y_pred.shape() != y_true.shape()) {
        throw Error("auc: expected y_pred and y_true of the same shape, found " + y_pred.shape().to_string() + " and " +
                    y_true.shape().to_string());
    }
    const size_t buckets = thresholds_.size() + 1;
    for (int64_t i = 0; i < y_pred.numel(); ++i) {
        // The thresholds are sorted: those below the prediction are a prefix (NaN is above none).
        const float p = y_pred[i];
        const size_t above = std::isnan(p)
                                 ? 0  // above no threshold, as Keras's comparisons say
                                 : static_cast<size_t>(std::lower_bound(thresholds_.begin(), thresholds_.end(), p) -
                                                       thresholds_.begin());
        ++counts_[(y_true[i] != 0.0f ? 0 : buckets) + above];
    }
}

double AucCounts::result() const {
    const size_t t_count = thresholds_.size(), buckets = t_count + 1;
    // tp[t] = positives predicted above threshold t: those in buckets t + 1 and up.
    std::vector<double> tpr(t_count), fpr(t_count);
    int64_t positives = 0, negatives = 0;
    for (size_t b = 0; b < buckets; ++b) {
        positives += counts_[b];
        negatives += counts_[buckets + b];
    }
    int64_t tp = positives, fp = negatives;
    for (size_t t = 0; t < t_count; ++t) {
        tp -= counts_[t];  // bucket t is above only t thresholds: not above threshold t
        fp -= counts_[buckets + t];
        tpr[t] = positives > 0 ? static_cast<double>(tp) / static_cast<double>(positives) : 0.0;
        fpr[t] = negatives > 0 ? static_cast<double>(fp) / static_cast<double>(negatives) : 0.0;
    }
    double area = 0.0;
    for (size_t t = 0; t + 1 < t_count; ++t) area += (fpr[t] - fpr[t + 1]) * (tpr[t] + tpr[t + 1]) / 2.0;
    return area;
}

}  // namespace nnlab
