// nnlab train CONFIG — runs one experiment and writes its run folder.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/experiment.hpp"
#include "cli/run_recorder.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/data/dataset_lookup.hpp"
#include "nnlab/io/model_file.hpp"
#include "nnlab/report/atomic_write.hpp"
#include "nnlab/train/callbacks/progress_bar.hpp"

namespace nnlab::cli {
namespace {

struct TrainArguments {
    std::string config;
    std::optional<int> epochs;
    std::optional<std::string> data;
    std::optional<std::string> out;
    std::optional<uint64_t> seed;
};

std::filesystem::path default_run_folder(const std::string& name) {
    const std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    return std::filesystem::path("runs") / (name + "-" + stamp);
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double peak_rss_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

int run_train(const TrainArguments& args) {
    // Everything that can be wrong with the input is checked before anything is written.
    Experiment experiment = load_experiment(args.config);
    if (args.epochs) {
        if (*args.epochs <= 0)
            throw Error("--epochs: expected a positive integer, found " + std::to_string(*args.epochs));
        experiment.epochs = *args.epochs;
    }
    if (args.seed) experiment.seed = *args.seed;
    DatasetSplits data =
        load_dataset(experiment.dataset, args.data ? std::optional<std::filesystem::path>(*args.data) : std::nullopt);
    if (experiment.train_samples) data.train = data.train.take(*experiment.train_samples);
    if (experiment.test_samples) data.test = data.test.take(*experiment.test_samples);
    std::unique_ptr<Sequential> model = build_model(experiment, data.train.image_shape);
    std::optional<Augmenter> augmenter;
    if (experiment.augment) {
        augmenter.emplace(*experiment.augment, data.train.image_shape);
        if (experiment.augment->needs_fit()) augmenter->fit(data.train);  // datagen.fit(x_train)
    }
    std::cout << model->summary() << std::flush;

    const std::filesystem::path folder =
        args.out ? std::filesystem::path(*args.out) : default_run_folder(experiment.name);
    std::filesystem::create_directories(folder);
    write_file_atomically(folder / "config.toml", experiment.to_toml());

    std::vector<std::unique_ptr<Callback>> owned = schedule_callbacks(experiment);
    RunRecorder recorder(folder);
    ProgressBar progress(std::cout, {.verbose = experiment.verbose, .live = isatty(STDOUT_FILENO) == 1});
    FitOptions fit{.batch_size = experiment.batch_size,
                   .epochs = experiment.epochs,
                   .validation_data = experiment.validation == "test" ? &data.test : nullptr,
                   .validation_split = experiment.validation_split,
                   .shuffle = experiment.shuffle,
                   .augmenter = augmenter ? &*augmenter : nullptr,
                   .workers = experiment.workers,
                   .callbacks = {}};
    for (auto& callback : owned) fit.callbacks.push_back(callback.get());
    fit.callbacks.push_back(&recorder);
    fit.callbacks.push_back(&progress);

    const auto start = std::chrono::steady_clock::now();
    model->fit(data.train, fit);
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    save_model(*model, folder / "model.safetensors", {.class_names = data.train.class_names});
    const double per_epoch = median(recorder.epoch_seconds());
    std::printf(
        "\nTrained %d epochs in %.1f s: median %.2f s per epoch (training and validation), %.0f training images/s; "
        "peak memory %.0f MB\n",
        recorder.history().size(), total, per_epoch, static_cast<double>(data.train.size()) / per_epoch, peak_rss_mb());
    if (auto accuracy = recorder.history().size() > 0 && experiment.validation != "none"
                            ? std::optional<double>(recorder.history().values("val_accuracy").back())
                            : std::nullopt) {
        std::printf("%s accuracy: %.4f\n", experiment.validation == "test" ? "Test" : "Validation", *accuracy);
    }
    std::printf("Run folder: %s (config.toml, history.csv, history.json, model.safetensors)\n", folder.c_str());
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
