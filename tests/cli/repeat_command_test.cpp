// nnlab train --repeat N: one run folder per seed and a summary whose numbers are the runs' own metrics.json.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/fashion_mnist.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/write_files.hpp"

namespace {

using nnlab::testing::read_file;
using nnlab::testing::TempDir;
using ::testing::HasSubstr;

using Result = nnlab::testing::CommandResult;

Result run(const std::string& arguments) {
    return nnlab::testing::run_command(NNLAB_BINARY, arguments);
}

constexpr const char* tiny_config = R"(name = "tiny_fashion"
seed = 5
[data]
dataset = "fashion_mnist"
train_samples = 300
test_samples = 200
[model]
layers = [{ type = "Flatten" }, { type = "Dense", units = 10, activation = "softmax" }]
[train]
batch_size = 32
epochs = 1
verbose = 0
)";

TEST(RepeatCommand, TrainsOneRunPerSeedAndSummarisesTheirTestAccuracy) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    const auto config = dir.write("tiny.toml", tiny_config);
    const auto out = dir / "repeat";
    const Result result = run("train " + config.string() + " --repeat 2 --out " + out.string());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr("=== Run 1/2: seed 5 ==="));
    EXPECT_THAT(result.output, HasSubstr("=== Run 2/2: seed 6 ==="));

    const nlohmann::json summary = nlohmann::json::parse(read_file(out / "repeat_summary.json"));
    ASSERT_EQ(summary["runs"].size(), 2u);
    std::vector<double> accuracies;
    for (int i = 0; i < 2; ++i) {
        const std::string folder = std::to_string(i + 1) + "-seed" + std::to_string(5 + i);
        const nlohmann::json& row = summary["runs"][static_cast<size_t>(i)];
        EXPECT_EQ(row["folder"], folder);
        EXPECT_EQ(row["seed"], 5 + i);
        EXPECT_GT(row["seconds"].get<double>(), 0.0);
        const nlohmann::json metrics = nlohmann::json::parse(read_file(out / folder / "metrics.json"));
        EXPECT_EQ(row["test_accuracy"].get<double>(), metrics["accuracy"].get<double>());
        accuracies.push_back(metrics["accuracy"].get<double>());
        EXPECT_THAT(read_file(out / folder / "config.toml"), HasSubstr("seed = " + std::to_string(5 + i)));
        EXPECT_TRUE(std::filesystem::exists(out / folder / "model.safetensors"));
    }
    const double mean = (accuracies[0] + accuracies[1]) / 2;
    const double std = std::abs(accuracies[0] - accuracies[1]) / std::sqrt(2.0);  // sample std of two values
    EXPECT_NEAR(summary["test_accuracy"]["mean"].get<double>(), mean, 1e-12);
    EXPECT_NEAR(summary["test_accuracy"]["std"].get<double>(), std, 1e-12);
    EXPECT_EQ(summary["test_accuracy"]["n"], 2);

    std::istringstream csv(read_file(out / "repeat_summary.csv"));
    std::vector<std::string> lines;
    for (std::string line; std::getline(csv, line);) lines.push_back(line);
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[0], "run,seed,test_accuracy,seconds,folder");
    EXPECT_EQ(lines[1].rfind("1,5,", 0), 0u) << lines[1];
    EXPECT_NEAR(std::stod(lines[3].substr(6)), mean, 1e-6) << lines[3];  // "mean,,<accuracy>,…"
    EXPECT_NEAR(std::stod(lines[4].substr(5)), std, 1e-6) << lines[4];   // "std,,<accuracy>,…"
    char printed[96];
    std::snprintf(printed, sizeof printed, "Test accuracy: %.4f ± %.4f (mean ± sample std over 2 runs)", mean, std);
    EXPECT_THAT(result.output, HasSubstr(printed));
}

TEST(RepeatCommand, RefusesANonPositiveCountAndWritesNothing) {
    TempDir dir;
    const auto config = dir.write("tiny.toml", tiny_config);
    const auto out = dir / "repeat";
    const Result result = run("train " + config.string() + " --repeat 0 --out " + out.string());
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_THAT(result.output, HasSubstr("--repeat: expected a whole number from 1 to 10000, found '0'"));
    EXPECT_FALSE(std::filesystem::exists(out));
}

// Every run writes its seed into config.toml, and a TOML integer stops at 2^63 − 1.
TEST(RepeatCommand, RefusesSeedsAConfigCannotHoldAndWritesNothing) {
    TempDir dir;
    const auto config = dir.write("tiny.toml", tiny_config);
    const auto out = dir / "seeds";
    for (const auto& [args, message] :
         {std::pair{" --seed 9223372036854775808",
                    "--seed: expected a whole number from 0 to 9223372036854775807, found '9223372036854775808'"},
          std::pair{" --seed -1", "--seed: expected a whole number from 0 to 9223372036854775807, found '-1'"},
          std::pair{" --seed 9223372036854775807 --repeat 2",
                    "--seed: expected seeds up to 9223372036854775807 (a TOML integer), found 9223372036854775807 + "
                    "1 for --repeat"}}) {
        const Result result = run("train " + config.string() + args + " --out " + out.string());
        EXPECT_EQ(result.exit_code, 2) << result.output;
        EXPECT_THAT(result.output, HasSubstr(message)) << args;
        EXPECT_FALSE(std::filesystem::exists(out)) << args;
    }
}

}  // namespace
