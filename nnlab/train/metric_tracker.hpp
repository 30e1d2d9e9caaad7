// MetricTracker — the metrics compile() asks for (Keras: compile(metrics=[...])), counted batch by batch
// over an epoch or an evaluation.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

class MetricTracker {
public:
    // Names as Keras spells them: "accuracy" (also "acc", "categorical_accuracy"), "top_k_accuracy" and
    // "top_k_categorical_accuracy" (k = 5, Keras's default), "top_<k>_accuracy" for another k, "binary_accuracy"
    // (each output above 0.5 against its 0/1 target), "auc" (also "AUC"; Keras's metrics.AUC defaults). With one
    // output (a binary classifier) accuracy is binary accuracy, as Keras resolves it. Each result is logged under
    // the name given. Throws nnlab::KeyError("metrics") naming an unknown or repeated one.
    explicit MetricTracker(std::vector<std::string> names);

    // The names every top-k metric accepts, and the range of k; for error messages and docs.
    static std::string known_names();
    // Throws KeyError("metrics") when a top-k metric asks for more classes than the model outputs.
    void check_classes(int64_t classes) const;

    void reset();
    // y_pred (n, classes) scores, y_true (n, classes) one-hot — or (n, 1) each for a binary classifier.
    void add_batch(const Tensor& y_pred, const Tensor& y_true);

    const std::vector<std::string>& names() const { return names_; }
    // The metric at `index` (in the order given) over the examples added since reset(); 0 before any.
    double result(int index) const;
    // (name, value) in the order given.
    std::vector<std::pair<std::string, double>> results() const;

    // The counts so far as numbers, [seen, each metric's counts…], and adding such counts (summed over the ranks
    // of a data-parallel step).
    std::vector<int64_t> counts() const;
    void add_counts(const std::vector<int64_t>& counts);
    // The counts so far, {"correct": [each metric's counts…], "seen": n}, and back (a resumed epoch continues its
    // running means).
    nlohmann::json state() const;
    void restore_state(const nlohmann::json& state);

private:
    enum class Kind { top_k, binary_accuracy, auc };
    struct Metric {
        Kind kind = Kind::top_k;
        int k = 1;                    // top_k: 1 for accuracy
        std::vector<int64_t> counts;  // top_k: {correct}; binary_accuracy: {correct, outputs}; auc: AucCounts'
    };
    std::vector<std::string> names_;
    std::vector<Metric> metrics_;
    int64_t seen_ = 0;
    std::vector<int32_t> labels_;     // scratch: the batch's labels, read from the one-hot rows
    std::vector<int32_t> predicted_;  // scratch: the batch's predictions (argmax)
};

}  // namespace nnlab
