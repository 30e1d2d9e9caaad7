// What nnlab evaluate, predict and ensemble share: the dataset and batch size a saved model is judged with by
// default (those of its training), the check that a model fits a split, the flip-TTA warning, the printed metrics
// block and the files --out writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "nnlab/data/dataset.hpp"
#include "nnlab/io/model_file.hpp"
#include "nnlab/train/classifier_evaluation.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab::cli {

// Throws nnlab::Error "<option>: expected a positive integer, found <value>" unless value > 0.
void check_positive(const std::string& option, int64_t value);

// The dataset to judge `model_file` on: --dataset when given, else the one the model was trained on, else (a file
// that does not say, format version 1) cifar10.
std::string dataset_for(const std::optional<std::string>& option, const ModelMetadata& metadata);
// The batch size: --batch-size when given, else training's (so that the figures are training's own), else 32.
int64_t batch_size_for(const std::optional<int64_t>& option, const ModelMetadata& metadata);

// The test split of `dataset` (a known name, an image folder, NumPy arrays, a CSV file), only its first `samples`
// examples when given. The model's own dataset is read as training read it; another CSV file is taken as new rows
// laid out as the model's training file (its label column, header and skip_rows), every row a test example.
Dataset load_test_split(const std::string& dataset, const std::optional<std::string>& data_dir,
                        std::optional<int64_t> samples, const ModelMetadata& metadata);

// Throws nnlab::Error naming the model file and both shapes when the model does not take the split's images or
// does not output its classes.
void check_model_fits(const std::string& model_file, const Sequential& model, const Dataset& test,
                      const std::string& dataset);

// "<dataset> test split (N images)", the `split` of an evaluation (as nnlab train names it).
std::string test_split_name(const std::string& dataset, const Dataset& test);

// On stderr, when the model was trained without horizontal flips: mirror images are not what it learnt on, and
// averaging over them can cost accuracy.
void warn_if_flip_tta_unseen(const std::string& model_file, const ModelMetadata& metadata);

// "Loss: …" (when there is one), the seed's Accuracy/Precision/Recall/F1 block, the macro figures and the
// classification report, on stdout.
void print_evaluation(const ClassifierEvaluation& evaluation);

// metrics.json, classification_report.txt and the confusion matrix files into `folder` (created), then a line
// saying so.
void write_evaluation_out(const std::filesystem::path& folder, const ClassifierEvaluation& evaluation);

}  // namespace nnlab::cli
