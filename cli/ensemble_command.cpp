// nnlab ensemble MODEL MODEL… — saved models voting with their probabilities on a dataset's test split: each
// member's accuracy, then what nnlab evaluate prints (and, with --out, writes) for the mean of their probabilities.
#include <cstdio>
#include <optional>

#include "cli/commands.hpp"
#include "cli/evaluation_output.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/shape.hpp"
#include "nnlab/io/model_file.hpp"
#include "nnlab/train/classifier_evaluation.hpp"
#include "nnlab/train/ensemble.hpp"

namespace nnlab::cli {
namespace {

struct EnsembleArguments {
    std::vector<std::string> models;
    std::optional<std::string> dataset;
    std::optional<std::string> data;
    std::optional<std::string> out;
    std::optional<int64_t> samples;
    std::optional<int64_t> batch_size;
    bool tta = false;
};

// The dataset the members were trained on, when the files say and agree; else --dataset must say.
std::string ensemble_dataset(const EnsembleArguments& args, const std::vector<LoadedModel>& loaded) {
    if (args.dataset) return *args.dataset;
    std::optional<size_t> named;
    for (size_t i = 0; i < loaded.size(); ++i) {
        if (loaded[i].metadata.dataset.empty()) continue;
        if (!named) {
            named = i;
        } else if (loaded[i].metadata.dataset != loaded[*named].metadata.dataset) {
            throw Error("ensemble: " + args.models[i] + " was trained on " + loaded[i].metadata.dataset + " and " +
                        args.models[*named] + " on " + loaded[*named].metadata.dataset +
                        "; give --dataset to say which test split to judge them on");
        }
    }
    return named ? loaded[*named].metadata.dataset : "cifar10";
}

// The members' class names must agree where the files name them; the dataset's names label the report.
void check_class_names(const std::vector<std::string>& files, const std::vector<LoadedModel>& loaded) {
    std::optional<size_t> named;  // the first member whose file names its classes
    for (size_t i = 0; i < loaded.size(); ++i) {
        const std::vector<std::string>& names = loaded[i].metadata.class_names;
        if (names.empty()) continue;
        if (!named) {
            named = i;
        } else if (names != loaded[*named].metadata.class_names) {
            throw Error("ensemble: " + files[i] + " names its classes differently from " + files[*named] +
                        "; every model must output the same classes in the same order");
        }
    }
}

// The loss and compiled metrics the members share, used on the mean probabilities; none when they differ.
struct SharedScoring {
    const Loss* loss = nullptr;
    std::vector<std::string> metrics = {"accuracy"};
};

SharedScoring shared_scoring(const std::vector<LoadedModel>& loaded) {
    const Sequential& first = *loaded.front().model;
    SharedScoring shared;
    for (const LoadedModel& member : loaded) {
        const Sequential& model = *member.model;
        if (!model.is_compiled() || !first.is_compiled()) return shared;
        if (loss_description(model.loss()) != loss_description(first.loss()) || model.metrics() != first.metrics())
            return shared;
    }
    return {&first.loss(), first.metrics()};
}

int run_ensemble(const EnsembleArguments& args) {
    if (args.out) check_out_folder(*args.out, "--out");
    if (args.models.size() < 2) {
        throw Error("ensemble: expected at least 2 model files, found " + std::to_string(args.models.size()));
    }
    if (args.samples) check_positive("--samples", *args.samples);
    std::vector<LoadedModel> loaded;
    for (const std::string& file : args.models) loaded.push_back(load_model(file));  // its errors name the file
    std::vector<EnsembleMember> members;
    for (size_t i = 0; i < loaded.size(); ++i) {
        const LoadedModel& m = loaded[i];
        members.push_back({args.models[i], m.model.get(), m.preprocessing ? &*m.preprocessing : nullptr});
        if (args.tta) warn_if_flip_tta_unseen(args.models[i], m.metadata);
    }
    check_ensemble_members(members);
    check_class_names(args.models, loaded);
    const std::string dataset = ensemble_dataset(args, loaded);
    const int64_t batch_size = batch_size_for(args.batch_size, loaded.front().metadata);
    const Dataset test = load_test_split(dataset, args.data, args.samples, loaded.front().metadata);
    check_model_fits(args.models.front(), *loaded.front().model, test, dataset);

    const EnsemblePrediction prediction =
        predict_ensemble(members, test, {.batch_size = batch_size, .horizontal_flip_tta = args.tta});
    const std::string split = test_split_name(dataset, test) + (args.tta ? ", horizontal-flip TTA" : "");
    std::printf("Ensemble of %zu models on the %s\n", members.size(), split.c_str());
    for (size_t i = 0; i < members.size(); ++i) {
        const double accuracy = evaluate_probabilities(prediction.member_outputs[i], test, split).metrics.accuracy;
        std::printf("  %s: accuracy %.4f\n", members[i].name.c_str(), accuracy);
    }
    const SharedScoring scoring = shared_scoring(loaded);
    const ClassifierEvaluation result =
        evaluate_probabilities(prediction.probabilities, test, split, scoring.loss, scoring.metrics);
    std::printf("Mean of their probabilities:\n");
    print_evaluation(result);
    if (args.out) write_evaluation_out(*args.out, result);
    return exit_ok;
}

}  // namespace

void add_ensemble_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<EnsembleArguments>();
    CLI::App* command = app.add_subcommand(
        "ensemble", "Saved models' class probabilities averaged: each model's accuracy, then the ensemble's metrics");
    command->add_option("models", args->models, "Two or more model files written by nnlab train (model.safetensors)")
        ->required();
    command->add_option("--dataset", args->dataset,
                        "Dataset name or image folder (default: the one the models were trained on)");
    command->add_option("--data", args->data,
                        "Folder holding the datasets (else $NNLAB_DATA, else ~/.cache/nnlab/datasets)");
    command->add_option("--samples", args->samples, "Evaluate only the first N test images")
        ->check(whole_number(1, max_samples_option));
    command->add_option("--batch-size", args->batch_size, "Batch size (default: the first model's training's)")
        ->check(whole_number(1, Shape::max_dimension));
    command->add_flag("--tta", args->tta,
                      "Test-time augmentation for every model: average each image's probabilities with its mirror "
                      "image's");
    command->add_option("--out", args->out,
                        "Folder for metrics.json, classification_report.txt and the confusion matrix (CSV, PNG, SVG)");
    command->callback([args, &exit_code] { exit_code = run_ensemble(*args); });
}

}  // namespace nnlab::cli
