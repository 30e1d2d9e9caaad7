// Comparison — how the variants of a sweep did side by side: a table, comparison.csv, the validation curves
// overlaid (comparison.png/.svg) and a report.html linking each variant's own report (what nnlab compare writes).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "nnlab/experiment/run.hpp"

namespace nnlab {

struct VariantResult {
    std::string label;
    std::filesystem::path folder;
    std::string curve_key;  // val_accuracy, or accuracy without validation
    std::vector<double> curve;
    double final_value = 0.0, best_value = 0.0;
    int best_epoch = 0;  // from 1
    double test_accuracy = 0.0;
    double seconds = 0.0;
};

// One variant's figures from its run.
VariantResult variant_result(const std::string& label, const std::filesystem::path& folder, const RunOutcome& run);

struct Comparison {
    std::string name;               // the experiment's
    std::string file;               // the experiment file
    std::vector<std::string> keys;  // the swept keys
    std::vector<VariantResult> variants;
};

// The table as nnlab compare prints it: one line per variant (final and best value of the curve, its epoch, test
// accuracy, time).
std::string comparison_table(const Comparison& comparison);

// comparison.csv, comparison.png, comparison.svg and report.html in `folder` (which exists), written atomically.
void write_comparison(const Comparison& comparison, const std::filesystem::path& folder);

}  // namespace nnlab
