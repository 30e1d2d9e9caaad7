// MetricTracker — accuracy, top-k accuracy, binary accuracy and AUC counted per batch, as compile(metrics=[...]) asks.
#include "nnlab/train/metric_tracker.hpp"

#include <algorithm>
#include <charconv>

#include "nnlab/core/error.hpp"
#include "nnlab/metrics/auc.hpp"
#include "nnlab/metrics/predicted_classes.hpp"
#include "nnlab/metrics/top_k_accuracy.hpp"

namespace nnlab {
namespace {

// k for a top-k metric's name, or 0 when the name is not one.
int metric_k(const std::string& name) {
    if (name == "accuracy" || name == "acc" || name == "categorical_accuracy") return 1;
    if (name == "top_k_accuracy" || name == "top_k_categorical_accuracy") return 5;
    constexpr std::string_view prefix = "top_", suffix = "_accuracy";
    if (name.size() > prefix.size() + suffix.size() && name.starts_with(prefix) && name.ends_with(suffix)) {
        const char* begin = name.data() + prefix.size();
        const char* end = name.data() + name.size() - suffix.size();
        int k = 0;
        const auto [at, error] = std::from_chars(begin, end, k);
        if (error == std::errc() && at == end && k >= 1) return k;
    }
    return 0;
}

}  // namespace

std::string MetricTracker::known_names() {
    return "\"accuracy\" (or \"acc\", \"categorical_accuracy\"), \"top_k_accuracy\" (or "
           "\"top_k_categorical_accuracy\"; k = 5), \"top_<k>_accuracy\" with k ≥ 1, \"binary_accuracy\" or \"auc\"";
}

MetricTracker::MetricTracker(std::vector<std::string> names) : names_(std::move(names)) {
    for (size_t i = 0; i < names_.size(); ++i) {
        Metric metric;
        if (names_[i] == "binary_accuracy") {
            metric.kind = Kind::binary_accuracy;
            metric.counts.assign(2, 0);
        } else if (names_[i] == "auc" || names_[i] == "AUC") {
            metric.kind = Kind::auc;
            metric.counts = AucCounts().counts();
        } else {
            metric.k = metric_k(names_[i]);
            if (metric.k == 0)
                throw KeyError("metrics", "metrics: expected " + known_names() + ", found \"" + names_[i] + "\"");
            metric.counts.assign(1, 0);
        }
        if (std::find(names_.begin(), names_.begin() + static_cast<std::ptrdiff_t>(i), names_[i]) !=
            names_.begin() + static_cast<std::ptrdiff_t>(i)) {
            throw KeyError("metrics", "metrics: \"" + names_[i] + "\" is listed twice");
        }
        metrics_.push_back(std::move(metric));
    }
}

void MetricTracker::check_classes(int64_t classes) const {
    for (size_t i = 0; i < names_.size(); ++i) {
        const Metric& metric = metrics_[i];
        if (metric.kind == Kind::top_k && metric.k > 1 && metric.k > classes) {
            throw KeyError("metrics", "metrics: \"" + names_[i] + "\" needs k = " + std::to_string(metric.k) +
                                          " classes or more, but the model outputs " + std::to_string(classes));
        }
    }
}

void MetricTracker::reset() {
    for (Metric& metric : metrics_) std::fill(metric.counts.begin(), metric.counts.end(), 0);
    seen_ = 0;
}

void MetricTracker::add_batch(const Tensor& y_pred, const Tensor& y_true) {
    if (names_.empty()) return;
    const int64_t rows = y_pred.rows(), classes = y_pred.cols();
    labels_.resize(static_cast<size_t>(rows));
    predicted_.resize(static_cast<size_t>(rows));
    predicted_classes(y_true, labels_.data());
    bool predicted = false;
    for (Metric& metric : metrics_) {
        switch (metric.kind) {
            case Kind::top_k:
                if (metric.k == 1) {  // argmax equality, first maximum on ties (Keras's categorical_accuracy)
                    if (!predicted) predicted_classes(y_pred, predicted_.data());
                    predicted = true;
                    for (int64_t r = 0; r < rows; ++r) metric.counts[0] += predicted_[size_t(r)] == labels_[size_t(r)];
                } else {
                    metric.counts[0] += count_top_k_correct(y_pred.data(), labels_.data(), rows, classes, metric.k);
                }
                break;
            case Kind::binary_accuracy:  // Keras: mean(y_true == (y_pred > 0.5)) over every output
                for (int64_t i = 0; i < y_pred.numel(); ++i)
                    metric.counts[0] += (y_pred[i] > binary_threshold ? 1.0f : 0.0f) == y_true[i];
                metric.counts[1] += y_pred.numel();
                break;
            case Kind::auc: {
                AucCounts auc;
                auc.counts() = std::move(metric.counts);
                auc.add_batch(y_pred, y_true);
                metric.counts = std::move(auc.counts());
                break;
            }
        }
    }
    seen_ += rows;
}

double MetricTracker::result(int index) const {
    const Metric& metric = metrics_[static_cast<size_t>(index)];
    switch (metric.kind) {
        case Kind::top_k:
            return seen_ == 0 ? 0.0 : static_cast<double>(metric.counts[0]) / static_cast<double>(seen_);
        case Kind::binary_accuracy:
            return metric.counts[1] == 0
                       ? 0.0
                       : static_cast<double>(metric.counts[0]) / static_cast<double>(metric.counts[1]);
        case Kind::auc: {
            AucCounts auc;
            auc.counts() = metric.counts;
            return auc.result();
        }
    }
    return 0.0;
}

std::vector<std::pair<std::string, double>> MetricTracker::results() const {
    std::vector<std::pair<std::string, double>> out;
    for (size_t i = 0; i < names_.size(); ++i) out.emplace_back(names_[i], result(static_cast<int>(i)));
    return out;
}

std::vector<int64_t> MetricTracker::counts() const {
    std::vector<int64_t> counts{seen_};
    for (const Metric& metric : metrics_) counts.insert(counts.end(), metric.counts.begin(), metric.counts.end());
    return counts;
}

void MetricTracker::add_counts(const std::vector<int64_t>& counts) {
    size_t expected = 1;
    for (const Metric& metric : metrics_) expected += metric.counts.size();
    if (counts.size() != expected) {
        throw Error("MetricTracker::add_counts: expected " + std::to_string(expected) + " counts, found " +
                        std::to_string(counts.size()),
                    ErrorKind::failure);
    }
    seen_ += counts[0];
    size_t at = 1;
    for (Metric& metric : metrics_)
        for (int64_t& count : metric.counts) count += counts[at++];
}

nlohmann::json MetricTracker::state() const {
    const std::vector<int64_t> all = counts();
    return {{"correct", std::vector<int64_t>(all.begin() + 1, all.end())}, {"seen", seen_}};
}

void MetricTracker::restore_state(const nlohmann::json& state) {
    const std::vector<int64_t> correct = state.at("correct").get<std::vector<int64_t>>();
    if (correct.size() + 1 != counts().size()) {
        throw Error("the saved metric counts hold " + std::to_string(correct.size()) + " numbers, but the metrics " +
                    "of this model count " + std::to_string(counts().size() - 1));
    }
    reset();
    std::vector<int64_t> all{state.at("seen").get<int64_t>()};
    all.insert(all.end(), correct.begin(), correct.end());
    add_counts(all);
}

}  // namespace nnlab
