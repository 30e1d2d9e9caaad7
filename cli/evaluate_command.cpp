// nnlab evaluate MODEL — a saved model on a dataset's test split: the seed's metrics block, the
// classification report, and (with --out) the files and figures behind them.
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/data/dataset_lookup.hpp"
#include "nnlab/io/model_file.hpp"
#include "nnlab/metrics/classification_report.hpp"
#include "nnlab/report/run_report.hpp"

namespace nnlab::cli {
namespace {

struct EvaluateArguments {
    std::string model;
    std::string dataset = "cifar10";
    std::optional<std::string> data;
    std::optional<std::string> out;
    std::optional<int64_t> samples;
    int64_t batch_size = 32;
};

int run_evaluate(const EvaluateArguments& args) {
    if (args.batch_size <= 0)
        throw Error("--batch-size: expected a positive integer, found " + std::to_string(args.batch_size));
    if (args.samples && *args.samples <= 0)
        throw Error("--samples: expected a positive integer, found " + std::to_string(*args.samples));
    LoadedModel loaded = load_model(args.model);
    Sequential& model = *loaded.model;
    if (!model.is_compiled()) throw Error(args.model + ": the model was saved without a loss; cannot evaluate it");
    DatasetSplits data =
        load_dataset(args.dataset, args.data ? std::optional<std::filesystem::path>(*args.data) : std::nullopt);
    if (args.samples) data.test = data.test.take(*args.samples);
    const Shape expected = model.input_shape().without_batch();
    if (expected != data.test.image_shape || model.output_shape()[1] != data.test.num_classes()) {
        throw Error(args.model + " takes images " + expected.to_string() + " and outputs " +
                    std::to_string(model.output_shape()[1]) + " classes, but the " + args.dataset +
                    " test split has images " + data.test.image_shape.to_string() + " and " +
                    std::to_string(data.test.num_classes()) + " classes");
    }
    const std::string split = args.dataset + " test split (" + std::to_string(data.test.size()) + " images)";
    const ClassifierEvaluation result = evaluate_classifier(model, data.test, split, args.batch_size);
    std::printf("Evaluated %s on the %s\nLoss: %.4f\n%s\n%s", args.model.c_str(), split.c_str(), result.summary.loss,
                format_metrics_summary(result.metrics).c_str(),
                classification_report(result.metrics, result.class_names, 4).c_str());
    if (args.out) {
        std::filesystem::create_directories(*args.out);
        write_evaluation_files(*args.out, result);
        std::printf(
            "\nWrote %s: metrics.json, classification_report.txt, confusion_matrix.csv, confusion_matrix.png, "
            "confusion_matrix.svg\n",
            args.out->c_str());
    }
    return exit_ok;
}

}  // namespace

void add_evaluate_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<EvaluateArguments>();
    CLI::App* command = app.add_subcommand(
        "evaluate", "A saved model's loss, accuracy, precision, recall, F1 and confusion matrix on the test split");
    command->add_option("model", args->model, "Model file written by nnlab train (model.safetensors)")->required();
    command->add_option("--dataset", args->dataset, "Dataset name or image folder")->capture_default_str();
    command->add_option("--data", args->data,
                        "Folder holding the datasets (else $NNLAB_DATA, else ~/.cache/nnlab/datasets)");
    command->add_option("--samples", args->samples, "Evaluate only the first N test images");
    command->add_option("--out", args->out,
                        "Folder for metrics.json, classification_report.txt and the confusion matrix (CSV, PNG, SVG)");
    command->add_option("--batch-size", args->batch_size, "Batch size")->capture_default_str();
    command->callback([args, &exit_code] { exit_code = run_evaluate(*args); });
}

}  // namespace nnlab::cli
