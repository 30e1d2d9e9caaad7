// nnlab train CONFIG — runs one experiment and writes its run folder; with --repeat N, N runs with seeds seed,
// seed + 1, … and a summary of their test accuracy (mean ± sample std).
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/atomic_write.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/resource_usage.hpp"
#include "nnlab/experiment/experiment.hpp"
#include "nnlab/experiment/repeat_summary.hpp"
#include "nnlab/experiment/run.hpp"
#include "nnlab/metrics/classification_report.hpp"

namespace nnlab::cli {
namespace {

struct TrainArguments {
    std::string config;
    std::optional<int> epochs;
    std::optional<std::string> data;
    std::optional<std::string> out;
    std::optional<uint64_t> seed;
    int repeat = 1;
};

// One run into `folder`, with what a person reads before and after it.
RunOutcome train_one(const Experiment& experiment, const DatasetSplits& data, const std::filesystem::path& folder) {
    ExperimentRun run(experiment, data, folder);
    for (const std::string& notice : run.notices()) std::printf("%s\n", notice.c_str());
    std::printf("%s", run.model().summary().c_str());
    std::fflush(stdout);
    const RunOutcome outcome = run.run(terminal_progress());
    for (const std::string& event : outcome.events) std::printf("%s\n", event.c_str());
    std::printf(
        "\nTrained %d epochs in %.1f s: median %.2f s per epoch (training and validation), %.0f training images/s; "
        "peak memory %.0f MB\n",
        outcome.history.size(), outcome.seconds, outcome.median_epoch_seconds,
        static_cast<double>(data.train.size()) / outcome.median_epoch_seconds, peak_rss_mb());
    const ClassifierEvaluation& test = outcome.evaluation;
    std::printf("\nOn the %s: loss %.4f\n%s\n%s", test.split.c_str(), test.summary.loss,
                format_metrics_summary(test.metrics).c_str(),
                classification_report(test.metrics, test.class_names, 4).c_str());
    std::printf(
        "\nRun folder: %s\n  report.html, training_curves.png, confusion_matrix.png, classification_report.txt,\n"
        "  metrics.json, history.csv, model.safetensors, config.toml\n",
        folder.c_str());
    return outcome;
}

// --repeat N: run i (from 1) trains with seed + i − 1 into <parent>/<i>-seed<seed>. The first run's checks come
// before the parent folder is made (its run makes it).
void train_repeated(const Experiment& experiment, const DatasetSplits& data, int repeat,
                    const std::filesystem::path& parent) {
    RepeatSummary summary{.experiment = experiment.name, .runs = {}};
    for (int i = 0; i < repeat; ++i) {
        Experiment seeded = experiment;
        seeded.seed = experiment.seed + static_cast<uint64_t>(i);
        const std::filesystem::path folder = parent / (std::to_string(i + 1) + "-seed" + std::to_string(seeded.seed));
        std::printf("\n=== Run %d/%d: seed %llu ===\n", i + 1, repeat, static_cast<unsigned long long>(seeded.seed));
        std::fflush(stdout);
        const RunOutcome run = train_one(seeded, data, folder);
        summary.runs.push_back({.seed = seeded.seed,
                                .test_accuracy = run.evaluation.metrics.accuracy,
                                .seconds = run.seconds,
                                .folder = folder});
    }
    write_file_atomically(parent / "repeat_summary.csv", summary.csv());
    write_file_atomically(parent / "repeat_summary.json", summary.json().dump(2) + "\n");
    std::printf(
        "\n%d runs of %s (seeds %llu to %llu), final test accuracy:\n%s\nWrote %s: repeat_summary.csv, "
        "repeat_summary.json and one run folder per seed\n",
        repeat, experiment.name.c_str(), static_cast<unsigned long long>(summary.runs.front().seed),
        static_cast<unsigned long long>(summary.runs.back().seed), summary.table().c_str(), parent.c_str());
}

int run_train(const TrainArguments& args, const CommonOptions& common) {
    // Everything that can be wrong with the input is checked before anything is written.
    if (args.repeat <= 0) throw Error("--repeat: expected a positive integer, found " + std::to_string(args.repeat));
    Experiment experiment = load_experiment(args.config);
    if (args.epochs) experiment.epochs = *args.epochs;
    if (args.seed) experiment.seed = *args.seed;
    // Every run's seed is written to its config.toml, which must read back.
    if (experiment.seed > max_experiment_seed - static_cast<uint64_t>(args.repeat - 1)) {
        throw Error("--seed: expected seeds up to " + std::to_string(max_experiment_seed) +
                    " (a TOML integer), found " + std::to_string(experiment.seed) +
                    (args.repeat > 1 ? " + " + std::to_string(args.repeat - 1) + " for --repeat" : ""));
    }
    if (common.threads > 0) experiment.threads = common.threads;
    if (args.out) check_out_folder(*args.out, "--out");
    const DatasetSplits data =
        load_experiment_data(experiment, args.data ? std::optional<std::filesystem::path>(*args.data) : std::nullopt);
    if (args.repeat == 1) {
        train_one(experiment, data,
                  args.out ? std::filesystem::path(*args.out) : timestamped_run_folder(experiment.name));
    } else {
        train_repeated(
            experiment, data, args.repeat,
            args.out ? std::filesystem::path(*args.out) : timestamped_run_folder(experiment.name + "-repeat"));
    }
    return exit_ok;
}

}  // namespace

void add_train_command(CLI::App& app, int& exit_code, const CommonOptions& common) {
    auto args = std::make_shared<TrainArguments>();
    CLI::App* command =
        app.add_subcommand("train", "Train the model an experiment file describes and write a run folder");
    command->add_option("config", args->config, "Experiment file (TOML), e.g. examples/seed_mlp.toml")->required();
    command->add_option("--epochs", args->epochs, "Override [train] epochs")->check(whole_number(1, max_epochs));
    command->add_option("--data", args->data,
                        "Folder holding the datasets (else $NNLAB_DATA, else ~/.cache/nnlab/datasets)");
    command->add_option("--out", args->out,
                        "Run folder to write (default runs/<name>-<date>-<time>); with --repeat, the folder holding "
                        "the runs (default runs/<name>-repeat-<date>-<time>)");
    command->add_option("--seed", args->seed, "Override the experiment's seed")
        ->check(whole_number(0, static_cast<int64_t>(max_experiment_seed)));
    command
        ->add_option("--repeat", args->repeat,
                     "Train N runs with seeds seed, seed+1, …, each in its own folder, and summarise their test "
                     "accuracy (mean ± sample std) in repeat_summary.csv/.json")
        ->capture_default_str()
        ->check(whole_number(1, max_repeats));
    command->callback([args, &exit_code, &common] { exit_code = run_train(*args, common); });
}

}  // namespace nnlab::cli
