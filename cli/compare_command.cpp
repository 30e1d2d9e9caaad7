// nnlab compare CONFIG — runs every variant of an experiment's [sweep] one after the other (same seed), then
// prints a table of how each did and writes comparison.csv, an overlay of their validation curves and a report.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/run_experiment.hpp"
#include "cli/sweep.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/report/atomic_write.hpp"
#include "nnlab/report/figures.hpp"
#include "nnlab/report/html_report.hpp"

namespace nnlab::cli {
namespace {

struct CompareArguments {
    std::string config;
    std::optional<int> epochs;
    std::optional<std::string> data;
    std::optional<std::string> out;
};

struct VariantResult {
    std::string label;
    std::filesystem::path folder;
    std::string curve_key;  // val_accuracy, or accuracy without validation
    std::vector<double> curve;
    double final_value = 0.0, best_value = 0.0;
    int best_epoch = 0;
    double test_accuracy = 0.0;
    double seconds = 0.0;
};

// A folder name from a label: letters, digits, '.', '-' and '_' kept, the rest '_'.
std::string slug(const std::string& label) {
    std::string out;
    for (char c : label) out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
    return out;
}

int run_compare(const CompareArguments& args) {
    // Every variant is checked before the first one trains.
    Sweep sweep = load_sweep(args.config);
    if (args.epochs) {
        if (*args.epochs <= 0)
            throw Error("--epochs: expected a positive integer, found " + std::to_string(*args.epochs));
        for (SweepVariant& v : sweep.variants) v.experiment.epochs = *args.epochs;
    }
    const std::filesystem::path folder =
        args.out ? std::filesystem::path(*args.out) : timestamped_run_folder(sweep.name + "-compare");
    std::filesystem::create_directories(folder);
    const std::optional<std::filesystem::path> root =
        args.data ? std::optional<std::filesystem::path>(*args.data) : std::nullopt;

    std::vector<VariantResult> results;
    std::optional<DatasetSplits> data;
    std::string loaded_for;  // the dataset settings `data` holds
    for (size_t i = 0; i < sweep.variants.size(); ++i) {
        const SweepVariant& variant = sweep.variants[i];
        const Experiment& e = variant.experiment;
        const std::string data_key = e.dataset + "|" + std::to_string(e.train_samples.value_or(-1)) + "|" +
                                     std::to_string(e.test_samples.value_or(-1));
        if (!data || data_key != loaded_for) {
            data = load_experiment_data(e, root);
            loaded_for = data_key;
        }
        std::printf("\n=== Variant %zu/%zu: %s ===\n", i + 1, sweep.variants.size(), variant.label.c_str());
        std::fflush(stdout);
        VariantResult r{.label = variant.label,
                        .folder = folder / (std::to_string(i + 1) + "-" + slug(variant.label)),
                        .curve_key = {},
                        .curve = {}};
        const RunOutcome run = run_experiment(e, *data, r.folder, std::cout, isatty(STDOUT_FILENO) == 1);
        const auto& keys = run.history.keys();
        r.curve_key = std::find(keys.begin(), keys.end(), "val_accuracy") != keys.end() ? "val_accuracy" : "accuracy";
        if (std::find(keys.begin(), keys.end(), r.curve_key) != keys.end()) r.curve = run.history.values(r.curve_key);
        if (!r.curve.empty()) {
            r.final_value = r.curve.back();
            const auto best = std::max_element(r.curve.begin(), r.curve.end());
            r.best_value = *best;
            r.best_epoch = static_cast<int>(best - r.curve.begin()) + 1;
        }
        r.test_accuracy = run.evaluation.metrics.accuracy;
        r.seconds = run.seconds;
        results.push_back(std::move(r));
    }

    // The table, comparison.csv, the overlay and the report.
    const std::string metric = results.front().curve_key;
    HtmlTable table{.header = {"variant", "final " + metric, "best " + metric, "epoch of best", "test accuracy",
                               "time (s)", "run folder"},
                    .rows = {}};
    std::string csv = "variant,final_" + metric + ",best_" + metric + ",best_epoch,test_accuracy,seconds,folder\n";
    std::vector<CurveSeries> curves;
    size_t width = 7;
    for (const VariantResult& r : results) width = std::max(width, r.label.size());
    std::printf("\nComparison of %zu variants (%s):\n%-*s  %9s  %9s  %7s  %9s  %8s\n", results.size(),
                sweep.name.c_str(), static_cast<int>(width), "variant", "final", "best", "at", "test acc", "time");
    for (const VariantResult& r : results) {
        std::printf("%-*s  %9.4f  %9.4f  %7d  %9.4f  %7.1fs\n", static_cast<int>(width), r.label.c_str(), r.final_value,
                    r.best_value, r.best_epoch, r.test_accuracy, r.seconds);
        const std::string relative = r.folder.filename().string();
        table.rows.push_back({r.label, fixed(r.final_value, 4), fixed(r.best_value, 4), std::to_string(r.best_epoch),
                              fixed(r.test_accuracy, 4), fixed(r.seconds, 1), relative + "/report.html"});
        csv += csv_field(r.label) + "," + fixed(r.final_value, 6) + "," + fixed(r.best_value, 6) + "," +
               std::to_string(r.best_epoch) + "," + fixed(r.test_accuracy, 6) + "," + fixed(r.seconds, 3) + "," +
               csv_field(relative) + "\n";
        CurveSeries series{.label = r.label, .x = {}, .y = r.curve};
        for (size_t e = 0; e < r.curve.size(); ++e) series.x.push_back(static_cast<double>(e + 1));
        curves.push_back(std::move(series));
    }
    write_file_atomically(folder / "comparison.csv", csv);
    const std::string title = sweep.name + ": " + metric + " per epoch";
    const std::string png = render_comparison(curves, title, "Epoch", metric, FigureFormat::png);
    write_file_atomically(folder / "comparison.png", png);
    write_file_atomically(folder / "comparison.svg",
                          render_comparison(curves, title, "Epoch", metric, FigureFormat::svg));
    std::string swept;
    for (const std::string& key : sweep.keys) swept += (swept.empty() ? "" : ", ") + key;
    const HtmlReport report{
        .title = sweep.name + " — comparison",
        .subtitle = "nnlab compare: " + std::to_string(results.size()) + " variants of " + args.config,
        .sections = {{.heading = "Variants",
                      .paragraph = "Swept: " + swept +
                                   ". Every variant trained with the same seed; each run folder holds its own "
                                   "report.html.",
                      .table = table},
                     {.heading = "Curves", .figures = {{title, png}}}}};
    write_file_atomically(folder / "report.html", render_html_report(report));
    std::printf(
        "\nWrote %s: comparison.csv, comparison.png, comparison.svg, report.html, and one run folder per "
        "variant\n",
        folder.c_str());
    return exit_ok;
}

}  // namespace

void add_compare_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<CompareArguments>();
    CLI::App* command = app.add_subcommand(
        "compare", "Train every variant of an experiment's [sweep] and compare their curves and accuracy");
    command->add_option("config", args->config, "Experiment file with a [sweep] table")->required();
    command->add_option("--epochs", args->epochs, "Override [train] epochs for every variant");
    command->add_option("--data", args->data,
                        "Folder holding the datasets (else $NNLAB_DATA, else ~/.cache/nnlab/datasets)");
    command->add_option("--out", args->out, "Folder to write (default runs/<name>-compare-<date>-<time>)");
    command->callback([args, &exit_code] { exit_code = run_compare(*args); });
}

}  // namespace nnlab::cli
