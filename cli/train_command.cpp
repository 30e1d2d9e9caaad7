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
#include "nnlab/experiment/experiment_setup.hpp"
#include "nnlab/experiment/repeat_summary.hpp"
#include "nnlab/experiment/resume.hpp"
#include "nnlab/experiment/run.hpp"
#include "nnlab/experiment/setting_path.hpp"
#include "nnlab/metrics/classification_report.hpp"

namespace nnlab::cli {
namespace {

struct TrainArguments {
    std::optional<std::string> config;
    std::optional<int> epochs;
    std::optional<std::string> data;
    std::optional<std::string> out;
    std::optional<uint64_t> seed;
    int repeat = 1;
    std::optional<std::string> resume;
    bool overwrite = false;
    std::optional<std::string> init_from;
    std::vector<std::string> settings;  // --set KEY=VALUE, in order
};

// --set KEY=VALUE, each split at its first '=' and its value read as TOML reads one.
std::vector<SettingOverride> overrides_of(const TrainArguments& args) {
    std::vector<SettingOverride> overrides;
    for (const std::string& setting : args.settings) {
        const size_t equals = setting.find('=');
        if (equals == std::string::npos || equals == 0) {
            throw Error(
                "--set: expected KEY=VALUE (a setting path and its value, e.g. model.layers[1].units=1024), "
                "found \"" +
                setting + "\"");
        }
        overrides.push_back({setting.substr(0, equals), setting_value(setting.substr(equals + 1))});
    }
    return overrides;
}

// How a run treats its folder: a new one (empty or absent), one replaced (--overwrite), one continued (--resume).
enum class FolderUse { fresh, replace, resume };

// One run into `folder`, with what a person reads before and after it.
// `resume_arguments` continue it after an interrupt (nnlab train --resume <folder> …).
RunOutcome train_one(const Experiment& experiment, const DatasetSplits& data, const std::filesystem::path& folder,
                     FolderUse use, const std::vector<std::string>& resume_arguments, Communicator* ranks = nullptr) {
    ExperimentRun run(experiment, data, folder, use == FolderUse::resume);
    // Every check has passed: only now is an earlier result removed (by rank 0, whose folder it is).
    if (use == FolderUse::replace && (ranks == nullptr || ranks->rank() == 0)) empty_out_folder(folder);
    if (ranks != nullptr) std::printf("Data parallel: %s\n", processes_text(*ranks, run.experiment().threads).c_str());
    for (const std::string& notice : run.notices()) std::printf("%s\n", notice.c_str());
    std::printf("%s", run.model().summary().c_str());
    print_resume_point(run, folder);
    std::fflush(stdout);
    const RunOutcome outcome = run_interruptibly(run, folder.string(), resume_arguments, ranks);
    for (const std::string& event : outcome.events) std::printf("%s\n", event.c_str());
    std::printf(
        "\nTrained %d epochs in %.1f s: median %.2f s per epoch (training and validation), %.0f training images/s; "
        "peak memory %.0f MB\n",
        outcome.history.size(), outcome.seconds, outcome.median_epoch_seconds,
        static_cast<double>(data.train.size()) / outcome.median_epoch_seconds, peak_rss_mb());
    if (ranks != nullptr && outcome.history.size() > 0) {
        std::printf("Gradient sums: %.1f MB per step; the steps waited %.1f s for them in all\n",
                    4e-6 * static_cast<double>(run.model().reduced_floats_per_step()), outcome.reduction_wait_seconds);
    }
    if (outcome.state_saves > 0) {
        std::printf("Training state saved %d times in %s/state: training waited %.0f ms for each on average\n",
                    outcome.state_saves, folder.c_str(), 1000.0 * outcome.state_save_seconds / outcome.state_saves);
    }
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
// before the parent folder is made (its run makes it). Resuming, a run whose folder holds a training state
// continues from it (a finished one only writes its results again) and the others start.
void train_repeated(const Experiment& experiment, const DatasetSplits& data, int repeat,
                    const std::filesystem::path& parent, bool resume, const std::vector<std::string>& passed_on) {
    std::vector<std::string> resume_arguments{"train",    experiment.file.string(), "--repeat", std::to_string(repeat),
                                              "--resume", parent.string()};
    resume_arguments.insert(resume_arguments.end(), passed_on.begin(), passed_on.end());
    RepeatSummary summary{.experiment = experiment.name, .runs = {}};
    auto seeded_run = [&](int i) {
        Experiment seeded = experiment;
        seeded.seed = experiment.seed + static_cast<uint64_t>(i);
        return seeded;
    };
    auto folder_of = [&](const Experiment& seeded, int i) {
        return parent / (std::to_string(i + 1) + "-seed" + std::to_string(seeded.seed));
    };
    // Every continued run is checked against the experiment before any trains.
    std::vector<bool> continued(static_cast<size_t>(repeat), false);
    for (int i = 0; resume && i < repeat; ++i) {
        const Experiment seeded = seeded_run(i);
        if (!has_backup(folder_of(seeded, i) / "state")) continue;
        experiment_to_resume(folder_of(seeded, i), seeded);
        continued[static_cast<size_t>(i)] = true;
    }
    for (int i = 0; i < repeat; ++i) {
        const Experiment seeded = seeded_run(i);
        const std::filesystem::path folder = folder_of(seeded, i);
        std::printf("\n=== Run %d/%d: seed %llu ===\n", i + 1, repeat, static_cast<unsigned long long>(seeded.seed));
        std::fflush(stdout);
        const RunOutcome run =
            train_one(seeded, data, folder, continued[static_cast<size_t>(i)] ? FolderUse::resume : FolderUse::fresh,
                      resume_arguments);
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

// The options a continued run is given again: --threads, --epochs (config.toml has them, but a --repeat resume reads
// the experiment file, and then --set too) and --data.
std::vector<std::string> passed_on(const TrainArguments& args, const CommonOptions& common,
                                   bool with_settings = false) {
    std::vector<std::string> options;
    for (const std::string& setting : args.settings)
        if (with_settings) options.insert(options.end(), {"--set", setting});
    if (common.threads > 0) options.insert(options.end(), {"--threads", std::to_string(common.threads)});
    if (args.epochs) options.insert(options.end(), {"--epochs", std::to_string(*args.epochs)});
    if (args.data) options.insert(options.end(), {"--data", *args.data});
    return options;
}

std::vector<std::string> single_resume_arguments(const std::filesystem::path& folder, const TrainArguments& args,
                                                 const CommonOptions& common) {
    std::vector<std::string> arguments{"train", "--resume", folder.string()};
    const std::vector<std::string> options = passed_on(args, common);
    arguments.insert(arguments.end(), options.begin(), options.end());
    return arguments;
}

// --resume RUN: the run folder's experiment, checked against CONFIG when that is given too.
Experiment experiment_for_resume(const TrainArguments& args) {
    if (args.seed) throw Error("--resume: the run keeps its seed; --seed cannot be given with it");
    if (args.out) throw Error("--resume: the run continues in its own folder; --out cannot be given with it");
    if (args.overwrite) throw Error("--resume and --overwrite: choose one (continue the run, or replace it)");
    if (args.init_from)
        throw Error("--init-from starts a new run from saved weights; it cannot be given with --resume");
    if (!args.settings.empty())
        throw Error("--resume: the run keeps its settings (its config.toml); --set cannot be given with it");
    std::optional<Experiment> given;
    if (args.config) given = load_experiment(*args.config);
    if (given && args.epochs) given->epochs = *args.epochs;
    Experiment experiment = experiment_to_resume(*args.resume, given);
    if (args.epochs) experiment.epochs = *args.epochs;
    return experiment;
}

int run_train(const TrainArguments& args, const CommonOptions& common) {
    // Everything that can be wrong with the input is checked before anything is written.
    if (args.repeat <= 0) throw Error("--repeat: expected a positive integer, found " + std::to_string(args.repeat));
    Communicator* ranks = common.ranks;
    if (ranks != nullptr && args.repeat > 1)
        throw Error("--repeat under mpirun: not supported yet; start one mpirun per seed (--seed)");
    if (args.resume && args.repeat > 1) {
        if (!args.config) throw Error("--resume with --repeat: give the experiment file too (CONFIG)");
        if (args.out || args.overwrite || args.seed)
            throw Error(
                "--resume continues the runs in their own folder; --out, --overwrite and --seed cannot be "
                "given with it");
        if (!std::filesystem::is_directory(*args.resume))
            throw Error("--resume: " + *args.resume + " is not a folder; expected the --repeat folder");
        Experiment experiment = load_experiment(*args.config, overrides_of(args));
        if (args.epochs) experiment.epochs = *args.epochs;
        if (common.threads > 0) experiment.threads = common.threads;
        const DatasetSplits data = load_experiment_data(
            experiment, args.data ? std::optional<std::filesystem::path>(*args.data) : std::nullopt);
        train_repeated(experiment, data, args.repeat, *args.resume, true, passed_on(args, common, true));
        return exit_ok;
    }
    if (args.resume) {
        Experiment experiment = experiment_for_resume(args);
        if (common.threads > 0) experiment.threads = common.threads;
        const DatasetSplits data = load_experiment_data(
            experiment, args.data ? std::optional<std::filesystem::path>(*args.data) : std::nullopt);
        train_one(experiment, data, *args.resume, FolderUse::resume,
                  single_resume_arguments(*args.resume, args, common), ranks);
        return exit_ok;
    }
    if (!args.config) throw Error("train: expected an experiment file (CONFIG), or --resume RUN_FOLDER");
    Experiment experiment = load_experiment(*args.config, overrides_of(args));
    if (args.epochs) experiment.epochs = *args.epochs;
    if (args.seed) experiment.seed = *args.seed;
    if (args.init_from) {
        if (!std::filesystem::is_regular_file(*args.init_from))
            throw Error("--init-from: expected a model file (.safetensors) to start from, found no file " +
                        *args.init_from);
        experiment.init_from = std::filesystem::absolute(*args.init_from);
    }
    // Every run's seed is written to its config.toml, which must read back.
    if (experiment.seed > max_experiment_seed - static_cast<uint64_t>(args.repeat - 1)) {
        throw Error("--seed: expected seeds up to " + std::to_string(max_experiment_seed) +
                    " (a TOML integer), found " + std::to_string(experiment.seed) +
                    (args.repeat > 1 ? " + " + std::to_string(args.repeat - 1) + " for --repeat" : ""));
    }
    if (common.threads > 0) experiment.threads = common.threads;
    std::string out_name =
        args.out ? *args.out
                 : timestamped_run_folder(args.repeat == 1 ? experiment.name : experiment.name + "-repeat").string();
    if (ranks != nullptr) ranks->broadcast(out_name, 0);  // rank 0's clock names the folder
    const std::filesystem::path out = out_name;
    if (ranks == nullptr || ranks->rank() == 0)
        prepare_new_out_folder(out, args.out ? "--out" : "the run folder", args.overwrite);
    const DatasetSplits data =
        load_experiment_data(experiment, args.data ? std::optional<std::filesystem::path>(*args.data) : std::nullopt);
    if (args.repeat == 1) {
        train_one(experiment, data, out, args.overwrite ? FolderUse::replace : FolderUse::fresh,
                  single_resume_arguments(out, args, common), ranks);
    } else {
        if (args.overwrite) empty_out_folder(out);
        train_repeated(experiment, data, args.repeat, out, false, passed_on(args, common, true));
    }
    return exit_ok;
}

}  // namespace

void add_train_command(CLI::App& app, int& exit_code, const CommonOptions& common) {
    auto args = std::make_shared<TrainArguments>();
    CLI::App* command =
        app.add_subcommand("train", "Train the model an experiment file describes and write a run folder");
    command->add_option("config", args->config,
                        "Experiment file (TOML), e.g. examples/seed_mlp.toml; with --resume, checked to be the run's");
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
    command->add_option("--resume", args->resume,
                        "Continue the run in this folder from its saved training state (after Ctrl-C, a kill or a "
                        "crash), bit for bit as if never stopped; with --epochs, train a finished run further");
    command->add_option("--init-from", args->init_from,
                        "Start from the weights of this model file (fine-tuning; Keras: model.load_weights), layer by "
                        "layer; layers with trainable = false keep them");
    command
        ->add_option("--set", args->settings,
                     "Override any setting: KEY=VALUE with KEY a path into the experiment's tables "
                     "(train.batch_size=128, optimizer.learning_rate=3e-4, model.layers[1].units=1024, "
                     "model.layers.dropout.rate=0.3, data.validation=\"split\"); VALUE as TOML reads it "
                     "(a bare word is a string); repeatable")
        ->allow_extra_args(false);  // one KEY=VALUE per --set, so that CONFIG after it stays CONFIG
    command->add_flag("--overwrite", args->overwrite,
                      "Replace the run folder given by --out when it holds an earlier run (else that is refused)");
    command->callback([args, &exit_code, &common] { exit_code = run_train(*args, common); });
}

}  // namespace nnlab::cli
