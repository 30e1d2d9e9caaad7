// The summary of nnlab train --repeat: mean and sample standard deviation, the CSV and JSON files.
#include "nnlab/experiment/repeat_summary.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nnlab {
namespace {

using ::testing::HasSubstr;

TEST(RepeatSummary, SampleStdDividesByNMinusOne) {
    // Mean 0.7; squared deviations 0.04, 0, 0.04; / (3 − 1) = 0.04; std 0.2 (the population std would be 0.163).
    const MeanAndStd three = mean_and_sample_std({0.5, 0.7, 0.9});
    EXPECT_NEAR(three.mean, 0.7, 1e-12);
    EXPECT_NEAR(three.std, 0.2, 1e-12);
    const MeanAndStd one = mean_and_sample_std({0.25});
    EXPECT_EQ(one.mean, 0.25);
    EXPECT_EQ(one.std, 0.0);
}

TEST(RepeatSummary, WritesEveryRunThenMeanAndStd) {
    const RepeatSummary summary{.experiment = "tiny",
                                .runs = {{.seed = 5, .test_accuracy = 0.5, .seconds = 1.0, .folder = "out/1-seed5"},
                                         {.seed = 6, .test_accuracy = 0.75, .seconds = 3.0, .folder = "out/2-seed6"}}};
    // Mean 0.625; std sqrt(2 · 0.125² / 1) = 0.176777; seconds mean 2, std 1.414214.
    EXPECT_EQ(summary.csv(),
              "run,seed,test_accuracy,seconds,folder\n"
              "1,5,0.500000,1.000,1-seed5\n"
              "2,6,0.750000,3.000,2-seed6\n"
              "mean,,0.625000,2.000,\n"
              "std,,0.176777,1.414,\n");
    const nlohmann::json json = summary.json();
    EXPECT_EQ(json["experiment"], "tiny");
    EXPECT_EQ(json["runs"][1]["seed"], 6);
    EXPECT_EQ(json["runs"][1]["folder"], "2-seed6");
    EXPECT_EQ(json["test_accuracy"]["mean"].get<double>(), 0.625);
    EXPECT_NEAR(json["test_accuracy"]["std"].get<double>(), 0.125 * std::sqrt(2.0), 1e-12);
    EXPECT_EQ(json["test_accuracy"]["n"], 2);
    EXPECT_THAT(summary.table(), HasSubstr("Test accuracy: 0.6250 ± 0.1768 (mean ± sample std over 2 runs)"));
}

}  // namespace
}  // namespace nnlab
