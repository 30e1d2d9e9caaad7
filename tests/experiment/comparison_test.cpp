// Comparisons: the table, and variants that repeat a setting over seeds summarised as mean ± sample std, in the
// table, comparison.csv, the figure and report.html.
#include "nnlab/experiment/comparison.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

VariantResult result(const std::string& label, double test_accuracy, std::vector<double> curve) {
    History history;
    for (size_t e = 0; e < curve.size(); ++e) {
        Logs logs;
        logs.set("val_accuracy", curve[e]);
        logs.set("val_loss", 2.0 - curve[e]);
        history.append(static_cast<int>(e), logs);
    }
    RunOutcome run{
        .history = history,
        .evaluation = {
            .split = "test", .summary = {}, .confusion = ConfusionMatrix(2), .metrics = {}, .class_names = {}}};
    run.evaluation.metrics.accuracy = test_accuracy;
    return variant_result(label, "/runs/" + label, run);
}

std::string read(const std::filesystem::path& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

TEST(Comparison, VariantsRepeatedOverSeedsAreSummarisedAsMeanAndSampleStd) {
    Comparison c{.name = "capacity", .file = "c.toml", .keys = {"model.layers[1].units", "seed"}, .variants = {}};
    c.variants.push_back(result("units=256 seed=1", 0.50, {0.4, 0.5}));
    c.variants.push_back(result("units=256 seed=2", 0.54, {0.4, 0.6}));
    c.variants.push_back(result("units=512 seed=1", 0.60, {0.5, 0.7}));
    c.variants.push_back(result("units=512 seed=2", 0.60, {0.5, 0.7}));
    EXPECT_EQ(c.variants[1].group, "units=256");
    EXPECT_EQ(c.variants[1].loss_key, "val_loss");
    // 0.50 and 0.54: mean 0.52, sample std 0.02·√2 = 0.0283; final values 0.5 and 0.6: 0.55 ± 0.0707.
    const std::string table = comparison_table(c);
    EXPECT_THAT(table, HasSubstr("units=256             2    0.5200 ± 0.0283    0.5500 ± 0.0707"));
    EXPECT_THAT(table, HasSubstr("units=512             2    0.6000 ± 0.0000    0.7000 ± 0.0000"));
    testing::TempDir dir;
    write_comparison(c, dir.path());
    EXPECT_THAT(read(dir / "report.html"), HasSubstr("Over seeds"));
    EXPECT_THAT(read(dir / "report.html"), HasSubstr("0.5200 ± 0.0283"));
    EXPECT_THAT(read(dir / "comparison.csv"), HasSubstr("final_val_loss"));
    EXPECT_TRUE(std::filesystem::exists(dir / "comparison.svg"));
}

TEST(Comparison, WithoutRepeatedSeedsThereIsNoSummary) {
    Comparison c{.name = "losses", .file = "l.toml", .keys = {"train.loss"}, .variants = {}};
    c.variants.push_back(result("loss=hinge", 0.4, {0.3}));
    c.variants.push_back(result("loss=mse", 0.45, {0.35}));
    EXPECT_THAT(comparison_table(c), Not(HasSubstr("over seeds")));
    testing::TempDir dir;
    write_comparison(c, dir.path());
    EXPECT_THAT(read(dir / "report.html"), Not(HasSubstr("Over seeds")));
}

}  // namespace
}  // namespace nnlab
