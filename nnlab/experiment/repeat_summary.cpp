// The summary of nnlab train --repeat N.
#include "nnlab/experiment/repeat_summary.hpp"

#include <cmath>
#include <cstdio>

#include "nnlab/core/text_format.hpp"

namespace nnlab {
namespace {

std::vector<double> column(const std::vector<RepeatRun>& runs, double RepeatRun::*field) {
    std::vector<double> values;
    for (const RepeatRun& run : runs) values.push_back(run.*field);
    return values;
}

nlohmann::json to_json(const MeanAndStd& figures, size_t n) {
    return {{"mean", figures.mean}, {"std", figures.std}, {"n", n}};
}

}  // namespace

MeanAndStd RepeatSummary::test_accuracy() const {
    return mean_and_sample_std(column(runs, &RepeatRun::test_accuracy));
}

MeanAndStd RepeatSummary::seconds() const {
    return mean_and_sample_std(column(runs, &RepeatRun::seconds));
}

std::string RepeatSummary::table() const {
    std::string text = "run   seed  test accuracy    time  folder\n";
    char line[256];
    for (size_t i = 0; i < runs.size(); ++i) {
        const RepeatRun& r = runs[i];
        std::snprintf(line, sizeof line, "%3zu %6llu  %13.4f  %5.1fs  %s\n", i + 1,
                      static_cast<unsigned long long>(r.seed), r.test_accuracy, r.seconds, r.folder.filename().c_str());
        text += line;
    }
    const MeanAndStd accuracy = test_accuracy();
    std::snprintf(line, sizeof line, "Test accuracy: %.4f ± %.4f (mean ± sample std over %zu runs)\n", accuracy.mean,
                  accuracy.std, runs.size());
    return text + line;
}

std::string RepeatSummary::csv() const {
    std::string text = "run,seed,test_accuracy,seconds,folder\n";
    for (size_t i = 0; i < runs.size(); ++i) {
        const RepeatRun& r = runs[i];
        text += std::to_string(i + 1) + "," + std::to_string(r.seed) + "," + fixed(r.test_accuracy, 6) + "," +
                fixed(r.seconds, 3) + "," + csv_field(r.folder.filename().string()) + "\n";
    }
    const MeanAndStd accuracy = test_accuracy(), time = seconds();
    text += "mean,," + fixed(accuracy.mean, 6) + "," + fixed(time.mean, 3) + ",\n";
    text += "std,," + fixed(accuracy.std, 6) + "," + fixed(time.std, 3) + ",\n";
    return text;
}

nlohmann::json RepeatSummary::json() const {
    nlohmann::json list = nlohmann::json::array();
    for (size_t i = 0; i < runs.size(); ++i) {
        const RepeatRun& r = runs[i];
        list.push_back({{"run", i + 1},
                        {"seed", r.seed},
                        {"test_accuracy", r.test_accuracy},
                        {"seconds", r.seconds},
                        {"folder", r.folder.filename().string()}});
    }
    return {{"experiment", experiment},
            {"runs", list},
            {"test_accuracy", to_json(test_accuracy(), runs.size())},
            {"seconds", to_json(seconds(), runs.size())}};
}

}  // namespace nnlab
