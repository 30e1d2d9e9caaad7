// nnlab train CONFIG — runs one experiment and writes its run folder.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/experiment.hpp"
#include "cli/run_experiment.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/metrics/classification_report.hpp"

namespace nnlab::cli {
namespace {

struct TrainArguments {
    std::string config;
    std::optional<int> epochs;
    std::optional<std::string> data;
    std::optional<std::string> out;
    std::optional<uint64_t> seed;
};

int run_train(const TrainArguments& args) {
    // Everything that can be wrong with the input is checked before anything is written.
    Experiment experiment = load_experiment(args.config);
    if (args.epochs) {
        if (*args.epochs <= 0)
            throw Error("--epochs: expected a positive integer, found " + std::to_string(*args.epochs));
        experiment.epochs = *args.epochs;
    }
    if (args.seed) experiment.seed = *args.seed;
    const DatasetSplits data =
        load_experiment_data(experiment, args.data ? std::optional<std::filesystem::path>(*args.data) : std::nullopt);
    const std::filesystem::path folder =
        args.out ? std::filesystem::path(*args.out) : timestamped_run_folder(experiment.name);

    const RunOutcome run = run_experiment(experiment, data, folder, std::cout, isatty(STDOUT_FILENO) == 1);
    std::printf(
        "\nTrained %d epochs in %.1f s: median %.2f s per epoch (training and validation), %.0f training images/s; "
        "peak memory %.0f MB\n",
        run.history.size(), run.seconds, run.median_epoch_seconds,
        static_cast<double>(data.train.size()) / run.median_epoch_seconds, peak_rss_mb());
    const ClassifierEvaluation& test = run.evaluation;
    std::printf("\nOn the %s: loss %.4f\n%s\n%s", test.split.c_str(), test.summary.loss,
                format_metrics_summary(test.metrics).c_str(),
                classification_report(test.metrics, test.class_names, 4).c_str());
    std::printf(
        "\nRun folder: %s\n  report.html, training_curves.png, confusion_matrix.png, classification_report.txt,\n"
        "  metrics.json, history.csv, model.safetensors, config.toml\n",
        folder.c_str());
    return exit_ok;
}

}  // namespace

void add_train_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<TrainArguments>();
    CLI::App* command =
        app.add_subcommand("train", "Train the model an experiment file describes and write a run folder");
    command->add_option("config", args->config, "Experiment file (TOML), e.g. examples/seed_mlp.toml")->required();
    command->add_option("--epochs", args->epochs, "Override [train] epochs");
    command->add_option("--data", args->data,
                        "Folder holding the datasets (else $NNLAB_DATA, else ~/.cache/nnlab/datasets)");
    command->add_option("--out", args->out, "Run folder to write (default runs/<name>-<date>-<time>)");
    command->add_option("--seed", args->seed, "Override the experiment's seed");
    command->callback([args, &exit_code] { exit_code = run_train(*args); });
}

}  // namespace nnlab::cli
