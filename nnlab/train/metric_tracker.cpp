// MetricTracker — accuracy and top-k accuracy counted per batch, as compile(metrics=[...]) asks.
#include "nnlab/train/metric_tracker.hpp"

#include <algorithm>
#include <charconv>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/metrics/top_k_accuracy.hpp"

namespace nnlab {
namespace {

// k for a metric name, or 0 when the name is not one we know.
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
           "\"top_k_categorical_accuracy\"; k = 5) or \"top_<k>_accuracy\" with k ≥ 1";
}

MetricTracker::MetricTracker(std::vector<std::string> names) : names_(std::move(names)) {
    for (size_t i = 0; i < names_.size(); ++i) {
        const int k = metric_k(names_[i]);
        if (k == 0) {
            throw KeyError("metrics", "metrics: expected " + known_names() + ", found \"" + names_[i] + "\"");
        }
        if (std::find(names_.begin(), names_.begin() + static_cast<std::ptrdiff_t>(i), names_[i]) !=
            names_.begin() + static_cast<std::ptrdiff_t>(i)) {
            throw KeyError("metrics", "metrics: \"" + names_[i] + "\" is listed twice");
        }
        k_.push_back(k);
    }
    correct_.assign(names_.size(), 0);
}

void MetricTracker::check_classes(int64_t classes) const {
    for (size_t i = 0; i < names_.size(); ++i) {
        if (k_[i] > classes) {
            throw KeyError("metrics", "metrics: \"" + names_[i] + "\" needs k = " + std::to_string(k_[i]) +
                                          " classes or more, but the model outputs " + std::to_string(classes));
        }
    }
}

void MetricTracker::reset() {
    std::fill(correct_.begin(), correct_.end(), 0);
    seen_ = 0;
}

void MetricTracker::add_batch(const Tensor& y_pred, const Tensor& y_true) {
    if (names_.empty()) return;
    const int64_t rows = y_pred.rows(), classes = y_pred.cols();
    labels_.resize(static_cast<size_t>(rows));
    predicted_.resize(static_cast<size_t>(rows));
    argmax_rows(y_true, labels_.data());
    bool predicted = false;
    for (size_t i = 0; i < names_.size(); ++i) {
        if (k_[i] == 1) {  // argmax equality, first maximum on ties (Keras's categorical_accuracy)
            if (!predicted) argmax_rows(y_pred, predicted_.data());
            predicted = true;
            for (int64_t r = 0; r < rows; ++r) correct_[i] += predicted_[size_t(r)] == labels_[size_t(r)];
        } else {
            correct_[i] += count_top_k_correct(y_pred.data(), labels_.data(), rows, classes, k_[i]);
        }
    }
    seen_ += rows;
}

double MetricTracker::result(int index) const {
    return seen_ == 0 ? 0.0 : static_cast<double>(correct_[static_cast<size_t>(index)]) / static_cast<double>(seen_);
}

std::vector<std::pair<std::string, double>> MetricTracker::results() const {
    std::vector<std::pair<std::string, double>> out;
    for (size_t i = 0; i < names_.size(); ++i) out.emplace_back(names_[i], result(static_cast<int>(i)));
    return out;
}

std::vector<int64_t> MetricTracker::counts() const {
    std::vector<int64_t> counts{seen_};
    counts.insert(counts.end(), correct_.begin(), correct_.end());
    return counts;
}

void MetricTracker::add_counts(const std::vector<int64_t>& counts) {
    if (counts.size() != correct_.size() + 1) {
        throw Error("MetricTracker::add_counts: expected " + std::to_string(correct_.size() + 1) + " counts, found " +
                        std::to_string(counts.size()),
                    ErrorKind::failure);
    }
    seen_ += counts[0];
    for (size_t i = 0; i < correct_.size(); ++i) correct_[i] += counts[i + 1];
}

nlohmann::json MetricTracker::state() const {
    return {{"correct", correct_}, {"seen", seen_}};
}

void MetricTracker::restore_state(const nlohmann::json& state) {
    std::vector<int64_t> correct = state.at("correct").get<std::vector<int64_t>>();
    if (correct.size() != correct_.size()) {
        throw Error("the saved metric counts are for " + std::to_string(correct.size()) +
                    " metrics, but the model has " + std::to_string(correct_.size()));
    }
    correct_ = std::move(correct);
    seen_ = state.at("seen").get<int64_t>();
}

}  // namespace nnlab
