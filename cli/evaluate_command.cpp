// nnlab evaluate MODEL — loss and accuracy of a saved model on a dataset's test split.
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/data/dataset_lookup.hpp"
#include "nnlab/io/model_file.hpp"

namespace nnlab::cli {
namespace {

struct EvaluateArguments {
    std::string model;
    std::string dataset = "cifar10";
    std::optional<std::string> data;
    int64_t batch_size = 32;
};

int run_evaluate(const EvaluateArguments& args) {
    if (args.batch_size <= 0)
        throw Error("--batch-size: expected a positive integer, found " + std::to_string(args.batch_size));
    LoadedModel loaded = load_model(args.model);
    Sequential& model = *loaded.model;
    if (!model.is_compiled()) throw Error(args.model + ": the model was saved without a loss; cannot evaluate it");
    const DatasetSplits data =
        load_dataset(args.dataset, args.data ? std::optional<std::filesystem::path>(*args.data) : std::nullopt);
    const Evaluation result = model.evaluate(data.test, args.batch_size);
    std::printf("Evaluated %s on the %s test split (%lld images)\n", args.model.c_str(), args.dataset.c_str(),
                static_cast<long long>(data.test.size()));
    std::printf("Test loss: %.4f\nTest accuracy: %.4f\n", result.loss, result.accuracy);
    return exit_ok;
}

}  // namespace

void add_evaluate_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<EvaluateArguments>();
    CLI::App* command = app.add_subcommand("evaluate", "Report a saved model's loss and accuracy on the test split");
    command->add_option("model", args->model, "Model file written by nnlab train (model.safetensors)")->required();
    command->add_option("--dataset", args->dataset, "Dataset name")->capture_default_str();
    command->add_option("--data", args->data,
                        "Folder holding the datasets (else $NNLAB_DATA, else ~/.cache/nnlab/datasets)");
    command->add_option("--batch-size", args->batch_size, "Batch size")->capture_default_str();
    command->callback([args, &exit_code] { exit_code = run_evaluate(*args); });
}

}  // namespace nnlab::cli
