// What nnlab evaluate and nnlab ensemble share.
#include "cli/evaluation_output.hpp"

#include <cmath>
#include <cstdio>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/data/dataset_lookup.hpp"
#include "nnlab/metrics/classification_report.hpp"
#include "nnlab/metrics/predicted_classes.hpp"
#include "nnlab/report/run_report.hpp"

namespace nnlab::cli {

void check_positive(const std::string& option, int64_t value) {
    if (value <= 0) throw Error(option + ": expected a positive integer, found " + std::to_string(value));
}

std::string dataset_for(const std::optional<std::string>& option, const ModelMetadata& metadata) {
    if (option) return *option;
    return metadata.dataset.empty() ? "cifar10" : metadata.dataset;
}

int64_t batch_size_for(const std::optional<int64_t>& option, const ModelMetadata& metadata) {
    if (option) {
        check_positive("--batch-size", *option);
        return *option;
    }
    return metadata.batch_size > 0 ? metadata.batch_size : 32;
}

void warn_if_flip_tta_unseen(const std::string& model_file, const ModelMetadata& metadata) {
    if (trained_with_horizontal_flips(metadata) == false) {
        std::fprintf(stderr,
                     "nnlab: warning: %s was trained without horizontal flips; --tta averages it over mirror images "
                     "it never learnt on, which can lower its accuracy\n",
                     model_file.c_str());
    }
}

Dataset load_test_split(const std::string& dataset, const std::optional<std::string>& data_dir,
                        std::optional<int64_t> samples, const ModelMetadata& metadata) {
    // The model's own dataset is read as training read it (a CSV file's columns and split, the class names);
    // another CSV file as new rows laid out as the model's: its columns read the same way, every row a test example.
    const std::optional<std::filesystem::path> root =
        data_dir ? std::optional<std::filesystem::path>(*data_dir) : std::nullopt;
    DataSourceOptions options;
    const bool other_csv = dataset != metadata.dataset && dataset_source_kind(dataset, root) == "csv";
    if (dataset == metadata.dataset || other_csv) {
        options.csv = metadata.csv;
        options.class_names = metadata.class_names;
    }
    if (other_csv) {
        options.csv.test_file.clear();
        options.csv.test_split = 0.0;
        options.csv.all_rows_test = true;
    }
    DatasetSplits data = load_dataset(dataset, root, options);
    return samples ? data.test.take(*samples) : std::move(data.test);
}

void check_model_fits(const std::string& model_file, const Sequential& model, const Dataset& test,
                      const std::string& dataset) {
    const Shape expected = model.input_shape().without_batch();
    if (expected != test.image_shape || !outputs_fit_classes(model.output_shape()[1], test.num_classes())) {
        const std::string examples = test.has_features() ? " examples " : " images ";
        throw Error(model_file + " takes" + examples + expected.to_string() + " and outputs " +
                    std::to_string(model.output_shape()[1]) + " classes, but the " + dataset + " test split has" +
                    examples + test.image_shape.to_string() + " and " + std::to_string(test.num_classes()) +
                    " classes");
    }
}

std::string test_split_name(const std::string& dataset, const Dataset& test) {
    return dataset + " test split (" + with_thousands(test.size()) + (test.has_features() ? " examples)" : " images)");
}

void print_evaluation(const ClassifierEvaluation& e) {
    if (!std::isnan(e.summary.loss)) std::printf("Loss: %.4f\n", e.summary.loss);
    std::printf("%s\n%s", format_metrics_summary(e.metrics).c_str(),
                classification_report(e.metrics, e.class_names, 4).c_str());
}

void write_evaluation_out(const std::filesystem::path& folder, const ClassifierEvaluation& evaluation) {
    std::filesystem::create_directories(folder);
    write_evaluation_files(folder, evaluation);
    std::printf(
        "\nWrote %s: metrics.json, classification_report.txt, confusion_matrix.csv, confusion_matrix.png, "
        "confusion_matrix.svg, confusion_matrix_normalized.png, confusion_matrix_normalized.svg\n",
        folder.c_str());
}

}  // namespace nnlab::cli
