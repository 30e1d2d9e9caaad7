// Comparison — how the variants of a sweep did side by side: a table, comparison.csv, the validation accuracy and
// loss curves overlaid (comparison.png/.svg) and a report.html linking each variant's own report (what nnlab
// compare writes). Variants that differ only in their seed (a sweep over `seed`) are also summarised as a group:
// the mean and sample standard deviation of their results, and their mean curve with a ±1 std band.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "nnlab/experiment/run.hpp"

namespace nnlab {

struct VariantResult {
    std::string label;
    std::string group;  // the label without its seed: variants repeating one setting with other seeds share it
    std::filesystem::path folder;
    std::string curve_key;  // val_accuracy (else the first other metric's), or accuracy without validation
    std::vector<double> curve;
    std::string loss_key;  // val_loss, or loss without validation
    std::vector<double> loss_curve;
    double final_value = 0.0, best_value = 0.0;
    int best_epoch = 0;  // from 1
    double test_accuracy = 0.0;
    double seconds = 0.0;
};

// One variant's figures from its run. The group is the label less its "seed=…" part.
VariantResult variant_result(const std::string& label, const std::filesystem::path& folder, const RunOutcome& run);

struct Comparison {
    std::string name;               // the experiment's
    std::string file;               // the experiment file
    std::vector<std::string> keys;  // the swept keys
    std::vector<VariantResult> variants;
};

// The table as nnlab compare prints it: one line per variant (final and best value of the curve, its epoch, test
// accuracy, time); then, when variants repeat a setting over seeds, one line per group (test accuracy and final
// value, mean ± sample std, and the number of seeds).
std::string comparison_table(const Comparison& comparison);

// comparison.csv, comparison.png, comparison.svg and report.html in `folder` (which exists), written atomically.
void write_comparison(const Comparison& comparison, const std::filesystem::path& folder);

}  // namespace nnlab
