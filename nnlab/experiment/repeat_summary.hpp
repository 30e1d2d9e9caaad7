// The summary of nnlab train --repeat N: one run per seed, their final test accuracy and time, and the mean and
// sample standard deviation of the accuracy, as a table, repeat_summary.csv and repeat_summary.json.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/core/statistics.hpp"

namespace nnlab {

struct RepeatRun {
    uint64_t seed = 0;
    double test_accuracy = 0.0;  // the final model on the test split (the run's metrics.json "accuracy")
    double seconds = 0.0;        // the whole fit
    std::filesystem::path folder;
};

struct RepeatSummary {
    std::string experiment;  // its name
    std::vector<RepeatRun> runs;

    MeanAndStd test_accuracy() const;
    MeanAndStd seconds() const;
    // One line per run, then the mean ± std line.
    std::string table() const;
    // run,seed,test_accuracy,seconds,folder per run (folders relative to the summary's folder), then a "mean" and
    // a "std" row.
    std::string csv() const;
    // {"experiment", "runs": [{"run", "seed", "test_accuracy", "seconds", "folder"}],
    //  "test_accuracy": {"mean", "std", "n"}, "seconds": {"mean", "std", "n"}}
    nlohmann::json json() const;
};

}  // namespace nnlab
