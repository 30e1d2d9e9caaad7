// nnlab augment-preview CONFIG --out grid.png — shows what the experiment's augmentation does.
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/atomic_write.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/data/dataset_lookup.hpp"
#include "nnlab/experiment/experiment.hpp"
#include "nnlab/report/augment_preview.hpp"

namespace nnlab::cli {
namespace {

struct PreviewArguments {
    std::string config;
    std::string out = "augment_preview.png";
    std::optional<std::string> data;
    int rows = 8;
    int augmented = 7;
    std::optional<uint64_t> seed;
};

int run_preview(const PreviewArguments& args) {
    const Experiment experiment = load_experiment(args.config);
    if (!experiment.augment) throw Error(args.config + ": has no [augment] table; nothing to preview");
    if (std::filesystem::is_directory(args.out))
        throw Error("--out: " + args.out + " is a folder; expected the PNG file to write");
    // Only the training images are shown: a folder without a test split is fine here.
    const DatasetSplits data =
        load_dataset(experiment.dataset, args.data ? std::optional<std::filesystem::path>(*args.data) : std::nullopt,
                     ImageFolderOptions{.image_size = experiment.image_size, .color_mode = experiment.color_mode});
    Augmenter augmenter(*experiment.augment, data.train.image_shape);
    if (experiment.augment->needs_fit()) augmenter.fit(data.train);
    const std::string png = render_augment_preview(
        data.train, augmenter,
        {.rows = args.rows, .augmented = args.augmented, .scale = 3, .seed = args.seed.value_or(experiment.seed)});
    write_file_atomically(args.out, png);
    std::printf("Wrote %s: %d training images of %s, each followed by %d augmented draws\n", args.out.c_str(),
                args.rows, experiment.dataset.c_str(), args.augmented);
    return exit_ok;
}

}  // namespace

void add_augment_preview_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<PreviewArguments>();
    CLI::App* command =
        app.add_subcommand("augment-preview", "Write a grid of training images and augmented versions of them (PNG)");
    command->add_option("config", args->config, "Experiment file with an [augment] table")->required();
    command->add_option("--out", args->out, "PNG file to write")->capture_default_str();
    command->add_option("--data", args->data,
                        "Folder holding the datasets (else $NNLAB_DATA, else ~/.cache/nnlab/datasets)");
    command->add_option("--rows", args->rows, "Training images shown")
        ->capture_default_str()
        ->check(whole_number(1, 64));
    command->add_option("--augmented", args->augmented, "Augmented draws per image")
        ->capture_default_str()
        ->check(whole_number(1, 32));
    command->add_option("--seed", args->seed, "Which images and draws (default: the experiment's seed)")
        ->check(whole_number(0, static_cast<int64_t>(max_experiment_seed)));
    command->callback([args, &exit_code] { exit_code = run_preview(*args); });
}

}  // namespace nnlab::cli
