// nnlab compare CONFIG — runs every variant of an experiment's [sweep] one after the other (same seed), then
// prints a table of how each did and writes comparison.csv, an overlay of their validation curves and a report.
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/experiment/comparison.hpp"
#include "nnlab/experiment/experiment_setup.hpp"
#include "nnlab/experiment/resume.hpp"
#include "nnlab/experiment/run.hpp"
#include "nnlab/experiment/sweep.hpp"

namespace nnlab::cli {
namespace {

struct CompareArguments {
    std::string config;
    std::optional<int> epochs;
    std::optional<std::string> data;
    std::optional<std::string> out;
    std::optional<std::string> resume;
    bool overwrite = false;
};

// A folder name from a label: letters, digits, '.', '-' and '_' kept, the rest '_'.
std::string slug(const std::string& label) {
    std::string out;
    for (char c : label) out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
    return out;
}

// The data settings a variant's dataset depends on: variants that share them share one loaded copy.
std::string data_key(const Experiment& e) {
    return e.dataset + "|" + std::to_string(e.train_samples.value_or(-1)) + "|" +
           std::to_string(e.test_samples.value_or(-1)) + "|" + e.color_mode + "|" +
           (e.image_size ? std::to_string(e.image_size->first) + "x" + std::to_string(e.image_size->second) : "");
}

int run_compare(const CompareArguments& args, const CommonOptions& common) {
    if (common.ranks != nullptr)
        throw Error("compare under mpirun: not supported yet; run the variants' experiments with nnlab train");
    // Every variant is checked, and every dataset loaded, before the first one trains.
    if (args.resume && (args.out || args.overwrite))
        throw Error(
            "--resume continues the comparison in its own folder; --out and --overwrite cannot be given with it");
    Sweep sweep = load_sweep(args.config);
    if (args.epochs)
        for (SweepVariant& v : sweep.variants) v.experiment.epochs = *args.epochs;
    if (common.threads > 0)
        for (SweepVariant& v : sweep.variants) v.experiment.threads = common.threads;
    const std::optional<std::filesystem::path> root =
        args.data ? std::optional<std::filesystem::path>(*args.data) : std::nullopt;
    std::map<std::string, DatasetSplits> datasets;
    for (const SweepVariant& v : sweep.variants) {
        const std::string key = data_key(v.experiment);
        if (!datasets.contains(key)) datasets.emplace(key, load_experiment_data(v.experiment, root));
        check_experiment_data(v.experiment, datasets.at(key));
    }
    const std::filesystem::path folder = args.resume ? std::filesystem::path(*args.resume)
                                         : args.out  ? std::filesystem::path(*args.out)
                                                     : timestamped_run_folder(sweep.name + "-compare");
    // A variant whose folder holds a training state continues from it (a finished one only writes its results
    // again); the others start.
    auto run_folder_of = [&](size_t i) {
        return folder / (std::to_string(i + 1) + "-" + slug(sweep.variants[i].label));
    };
    std::vector<bool> continued(sweep.variants.size(), false);
    if (args.resume) {
        if (!std::filesystem::is_directory(*args.resume))
            throw Error("--resume: " + *args.resume + " is not a folder; expected the comparison's folder");
        for (size_t i = 0; i < sweep.variants.size(); ++i) {
            if (!has_backup(run_folder_of(i) / "state")) continue;
            Experiment& experiment = sweep.variants[i].experiment;
            const int threads = experiment.threads;
            experiment = experiment_to_resume(run_folder_of(i), experiment);
            if (threads > 0) experiment.threads = threads;
            continued[i] = true;
        }
    } else {
        prepare_new_out_folder(folder, args.out ? "--out" : "the comparison folder", args.overwrite);
    }

    std::vector<std::string> resume_arguments{"compare", args.config, "--resume", folder.string()};
    if (common.threads > 0)
        resume_arguments.insert(resume_arguments.end(), {"--threads", std::to_string(common.threads)});
    if (args.epochs) resume_arguments.insert(resume_arguments.end(), {"--epochs", std::to_string(*args.epochs)});
    if (args.data) resume_arguments.insert(resume_arguments.end(), {"--data", *args.data});
    Comparison comparison{.name = sweep.name, .file = args.config, .keys = sweep.keys, .variants = {}};
    for (size_t i = 0; i < sweep.variants.size(); ++i) {
        const SweepVariant& variant = sweep.variants[i];
        std::printf("\n=== Variant %zu/%zu: %s ===\n", i + 1, sweep.variants.size(), variant.label.c_str());
        const std::filesystem::path run_folder = run_folder_of(i);
        ExperimentRun run(variant.experiment, datasets.at(data_key(variant.experiment)), run_folder, continued[i]);
        if (i == 0 && args.overwrite) empty_out_folder(folder);  // every check has passed
        for (const std::string& notice : run.notices()) std::printf("%s\n", notice.c_str());
        std::printf("%s", run.model().summary().c_str());
        print_resume_point(run, run_folder);
        std::fflush(stdout);
        const RunOutcome outcome =
            run_interruptibly(run, "variant " + std::to_string(i + 1) + " (" + variant.label + ")", resume_arguments);
        for (const std::string& event : outcome.events) std::printf("%s\n", event.c_str());
        comparison.variants.push_back(variant_result(variant.label, run_folder, outcome));
    }
    write_comparison(comparison, folder);
    std::printf("\nComparison of %zu variants (%s):\n%s", comparison.variants.size(), sweep.name.c_str(),
                comparison_table(comparison).c_str());
    std::printf(
        "\nWrote %s: comparison.csv, comparison.png, comparison.svg, report.html, and one run folder per "
        "variant\n",
        folder.c_str());
    return exit_ok;
}

}  // namespace

void add_compare_command(CLI::App& app, int& exit_code, const CommonOptions& common) {
    auto args = std::make_shared<CompareArguments>();
    CLI::App* command = app.add_subcommand(
        "compare", "Train every variant of an experiment's [sweep] and compare their curves and accuracy");
    command->add_option("config", args->config, "Experiment file with a [sweep] table")->required();
    command->add_option("--epochs", args->epochs, "Override [train] epochs for every variant")
        ->check(whole_number(1, max_epochs));
    command->add_option("--data", args->data,
                        "Folder holding the datasets (else $NNLAB_DATA, else ~/.cache/nnlab/datasets)");
    command->add_option("--out", args->out, "Folder to write (default runs/<name>-compare-<date>-<time>)");
    command->add_option("--resume", args->resume,
                        "Continue the comparison in this folder: finished variants are kept, the interrupted one "
                        "continues from its saved state, the rest are trained");
    command->add_flag("--overwrite", args->overwrite, "Replace the --out folder when it holds an earlier result");
    command->callback([args, &exit_code, &common] { exit_code = run_compare(*args, common); });
}

}  // namespace nnlab::cli
