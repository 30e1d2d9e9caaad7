// nnlab evaluate MODEL — a saved model on a dataset's test split: the seed's metrics block, the
// classification report, and (with --out) the files and figures behind them; --tta averages each image's
// probabilities with its mirror image's.
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/evaluation_output.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/shape.hpp"
#include "nnlab/io/model_file.hpp"
#include "nnlab/train/classifier_evaluation.hpp"
#include "nnlab/train/test_time_augmentation.hpp"

namespace nnlab::cli {
namespace {

struct EvaluateArguments {
    std::string model;
    std::optional<std::string> dataset;
    std::optional<std::string> data;
    std::optional<std::string> out;
    std::optional<int64_t> samples;
    std::optional<int64_t> batch_size;
    bool tta = false;
    std::optional<int> tta_level;
};

int run_evaluate(const EvaluateArguments& args) {
    if (args.samples) check_positive("--samples", *args.samples);
    if (args.out) check_out_folder(*args.out, "--out");
    LoadedModel loaded = load_model(args.model);
    Sequential& model = *loaded.model;
    if (!model.is_compiled()) throw Error(args.model + ": the model was saved without a loss; cannot evaluate it");
    const int64_t batch_size = batch_size_for(args.batch_size, loaded.metadata);
    const std::string dataset = dataset_for(args.dataset, loaded.metadata);
    const Dataset test = load_test_split(dataset, args.data, args.samples, loaded.metadata);
    check_model_fits(args.model, model, test, dataset);
    const std::string split = test_split_name(dataset, test);
    // The inputs are standardised as in training (the file carries the fitted statistics).
    const Augmenter* preprocessing = loaded.preprocessing ? &*loaded.preprocessing : nullptr;
    const int tta_level = args.tta_level.value_or(args.tta ? 1 : 0);
    if (tta_level > 0) warn_if_flip_tta_unseen(args.model, loaded.metadata);
    const ClassifierEvaluation result =
        tta_level > 0
            ? evaluate_probabilities(
                  predict_probabilities(model, test,
                                        {.batch_size = batch_size, .augmenter = preprocessing, .tta_level = tta_level}),
                  test, split + tta_suffix(tta_level), &model.loss(), model.metrics())
            : evaluate_classifier(model, test, split, batch_size, preprocessing);
    std::printf("Evaluated %s on the %s\n", args.model.c_str(), result.split.c_str());
    print_evaluation(result);
    if (args.out) write_evaluation_out(*args.out, result);
    return exit_ok;
}

}  // namespace

void add_evaluate_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<EvaluateArguments>();
    CLI::App* command = app.add_subcommand(
        "evaluate", "A saved model's loss, accuracy, precision, recall, F1 and confusion matrix on the test split");
    command->add_option("model", args->model, "Model file written by nnlab train (model.safetensors)")->required();
    command->add_option("--dataset", args->dataset,
                        "Dataset name or image folder (default: the one the model was trained on)");
    command->add_option("--data", args->data,
                        "Folder holding the datasets (else $NNLAB_DATA, else ~/.cache/nnlab/datasets)");
    command->add_option("--samples", args->samples, "Evaluate only the first N test images")
        ->check(whole_number(1, max_samples_option));
    command->add_option("--out", args->out,
                        "Folder for metrics.json, classification_report.txt and the confusion matrix (CSV, PNG, SVG)");
    command->add_option("--batch-size", args->batch_size, "Batch size (default: the training's)")
        ->check(whole_number(1, Shape::max_dimension));
    command->add_flag("--tta", args->tta,
                      "Test-time augmentation: average each image's probabilities with its mirror image's (the "
                      "loss is then that of the averaged probabilities); --tta-level 1");
    command
        ->add_option("--tta-level", args->tta_level,
                     "Test-time augmentation level: 0 none, 1 mirror (as --tta), 2 mirror and the image moved one "
                     "pixel up-left and down-right, weighted 1/2, 1/4, 1/4 (airbench's)")
        ->check(whole_number(0, max_tta_level));
    command->callback([args, &exit_code] { exit_code = run_evaluate(*args); });
}

}  // namespace nnlab::cli
