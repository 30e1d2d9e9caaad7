// What nnlab evaluate and nnlab ensemble share: the test split a model is judged on, the check that a model fits
// it, the printed metrics block and the files --out writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "nnlab/data/dataset.hpp"
#include "nnlab/report/run_report.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab::cli {

// Throws nnlab::Error "<option>: expected a positive integer, found <value>" unless value > 0.
void check_positive(const std::string& option, int64_t value);

// The test split of `dataset` (a known name or an image folder), only its first `samples` images when given.
Dataset load_test_split(const std::string& dataset, const std::optional<std::string>& data_dir,
                        std::optional<int64_t> samples);

// Throws nnlab::Error naming the model file and both shapes when the model does not take the split's images or
// does not output its classes.
void check_model_fits(const std::string& model_file, const Sequential& model, const Dataset& test,
                      const std::string& dataset);

// "<dataset> test split (N images)", the `split` of an evaluation.
std::string test_split_name(const std::string& dataset, const Dataset& test);

// "Loss: …" (when there is one), the seed's Accuracy/Precision/Recall/F1 block, the macro figures and the
// classification report, on stdout.
void print_evaluation(const ClassifierEvaluation& evaluation);

// metrics.json, classification_report.txt and the confusion matrix files into `folder` (created), then a line
// saying so.
void write_evaluation_out(const std::filesystem::path& folder, const ClassifierEvaluation& evaluation);

}  // namespace nnlab::cli
