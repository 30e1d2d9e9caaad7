// Precision, recall, F1 and support per class and averaged, from a confusion matrix.
#include "nnlab/metrics/classification_metrics.hpp"

namespace nnlab {
namespace {

// scikit-learn's zero_division=0.
double ratio(int64_t numerator, int64_t denominator) {
    return denominator == 0 ? 0.0 : static_cast<double>(numerator) / static_cast<double>(denominator);
}

nlohmann::json scores_json(const ClassScores& s) {
    return {{"precision", s.precision}, {"recall", s.recall}, {"f1", s.f1}, {"support", s.support}};
}

}  // namespace

ClassificationMetrics classification_metrics(const ConfusionMatrix& matrix) {
    const int64_t n = matrix.num_classes();
    const std::vector<int64_t>& counts = matrix.counts();
    std::vector<int64_t> true_sum(static_cast<size_t>(n), 0), pred_sum(static_cast<size_t>(n), 0);
    int64_t correct = 0;
    for (int64_t t = 0; t < n; ++t) {
        for (int64_t p = 0; p < n; ++p) {
            const int64_t c = counts[static_cast<size_t>(t * n + p)];
            true_sum[static_cast<size_t>(t)] += c;
            pred_sum[static_cast<size_t>(p)] += c;
        }
        correct += counts[static_cast<size_t>(t * n + t)];
    }

    ClassificationMetrics m;
    m.total = matrix.total();
    m.accuracy = ratio(correct, m.total);
    // Every example is one true positive or one false positive and one false negative, so the micro sums
    // are (correct, total, total) and all three scores are the accuracy.
    m.micro = {m.accuracy, m.accuracy, m.accuracy, m.total};
    m.macro.support = m.weighted.support = m.total;
    for (int64_t i = 0; i < n; ++i) {
        const auto k = static_cast<size_t>(i);
        const int64_t tp = counts[static_cast<size_t>(i * n + i)];
        const ClassScores s{ratio(tp, pred_sum[k]), ratio(tp, true_sum[k]), ratio(2 * tp, true_sum[k] + pred_sum[k]),
                            true_sum[k]};
        m.per_class.push_back(s);
        m.macro.precision += s.precision;
        m.macro.recall += s.recall;
        m.macro.f1 += s.f1;
        const auto w = static_cast<double>(s.support);
        m.weighted.precision += s.precision * w;
        m.weighted.recall += s.recall * w;
        m.weighted.f1 += s.f1 * w;
    }
    m.macro.precision /= static_cast<double>(n);
    m.macro.recall /= static_cast<double>(n);
    m.macro.f1 /= static_cast<double>(n);
    // With no examples every weighted sum is 0 already; dividing would give NaN.
    if (m.total > 0) {
        const auto total = static_cast<double>(m.total);
        m.weighted.precision /= total;
        m.weighted.recall /= total;
        m.weighted.f1 /= total;
    }
    return m;
}

nlohmann::json to_json(const ClassificationMetrics& metrics, const std::vector<std::string>& class_names) {
    const std::vector<std::string> names =
        class_names_or_indices(class_names, static_cast<int64_t>(metrics.per_class.size()));
    nlohmann::json per_class = nlohmann::json::array();
    for (size_t i = 0; i < names.size(); ++i) {
        nlohmann::json row = scores_json(metrics.per_class[i]);
        row["class"] = names[i];
        per_class.push_back(std::move(row));
    }
    return {{"accuracy", metrics.accuracy},        {"micro", scores_json(metrics.micro)},
            {"macro", scores_json(metrics.macro)}, {"weighted", scores_json(metrics.weighted)},
            {"per_class", std::move(per_class)},   {"total", metrics.total}};
}

}  // namespace nnlab
