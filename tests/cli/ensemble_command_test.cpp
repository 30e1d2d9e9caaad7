// nnlab ensemble, evaluate --tta and predict --tta, run as a user runs them, against the same figures computed
// here through the library, on the first Fashion-MNIST test images.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "nnlab/nnlab.hpp"
#include "nnlab/train/ensemble.hpp"
#include "nnlab/train/test_time_augmentation.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/write_files.hpp"

namespace nnlab {
namespace {

using nnlab::testing::TempDir;
using ::testing::HasSubstr;

using Result = nnlab::testing::CommandResult;

Result run(const std::string& arguments) {
    return nnlab::testing::run_command(NNLAB_BINARY, arguments);
}

bool have_fashion_mnist() {
    return std::filesystem::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
}

#define SKIP_WITHOUT_FASHION_MNIST() \
    if (!have_fashion_mnist())       \
    GTEST_SKIP() << "Debian's dataset-fashion-mnist is not installed (scripts/install-deps.sh installs it)"

const DatasetSplits& fashion_mnist() {
    static const DatasetSplits data = load_dataset("fashion_mnist", std::nullopt);
    return data;
}

constexpr int64_t samples = 300;

// A small classifier trained for one epoch on 600 images, saved as a user's run would save it.
std::filesystem::path trained_model(const TempDir& dir, uint64_t seed) {
    Sequential model("fashion_" + std::to_string(seed));
    model.add(Input{{28, 28, 1}});
    model.add(Flatten());
    model.add(Dense(16, "relu"));
    model.add(Dense(10, "softmax"));
    model.compile(Adam(0.003), CategoricalCrossentropy(), {.seed = seed});
    model.fit(fashion_mnist().train.take(600), {.batch_size = 32, .epochs = 1});
    const auto path = dir / ("model" + std::to_string(seed) + ".safetensors");
    save_model(model, path, {.class_names = fashion_mnist().train.class_names});
    return path;
}

std::string four_decimals(const char* label, double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%s%.4f", label, value);
    return text;
}

TEST(EnsembleCommand, PrintsAndWritesTheMetricsOfTheMeanProbabilities) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    const auto a = trained_model(dir, 1), b = trained_model(dir, 2);
    const auto out = dir / "ensemble";
    const Result result = run("ensemble " + a.string() + " " + b.string() + " --dataset fashion_mnist --samples " +
                              std::to_string(samples) + " --out " + out.string());
    ASSERT_EQ(result.exit_code, 0) << result.output;

    // The same figures through the library.
    LoadedModel la = load_model(a), lb = load_model(b);
    const Dataset test = fashion_mnist().test.take(samples);
    const EnsemblePrediction expected = predict_ensemble({{"a", la.model.get()}, {"b", lb.model.get()}}, test);
    const ClassifierEvaluation mean =
        evaluate_probabilities(expected.probabilities, test, "t", &la.model->loss(), la.model->metrics());
    const double accuracy_a = evaluate_probabilities(expected.member_outputs[0], test, "t").metrics.accuracy;
    const double accuracy_b = evaluate_probabilities(expected.member_outputs[1], test, "t").metrics.accuracy;
    EXPECT_THAT(result.output, HasSubstr("Ensemble of 2 models on the fashion_mnist test split (300 images)"));
    EXPECT_THAT(result.output, HasSubstr(four_decimals((a.string() + ": accuracy ").c_str(), accuracy_a)));
    EXPECT_THAT(result.output, HasSubstr(four_decimals((b.string() + ": accuracy ").c_str(), accuracy_b)));
    EXPECT_THAT(result.output, HasSubstr(four_decimals("\nLoss: ", mean.summary.loss)));
    EXPECT_THAT(result.output, HasSubstr(four_decimals("\nAccuracy: ", mean.metrics.accuracy)));
    EXPECT_THAT(result.output, HasSubstr(four_decimals("\nMacro F1-Score: ", mean.metrics.macro.f1)));
    EXPECT_THAT(result.output, HasSubstr("weighted avg"));
    EXPECT_THAT(result.output, HasSubstr("Trouser"));  // the report names the classes
    EXPECT_GT(mean.metrics.accuracy, 0.5);

    const nlohmann::json metrics = testing::read_json_file(out / "metrics.json");
    EXPECT_EQ(metrics["accuracy"].get<double>(), mean.metrics.accuracy);
    EXPECT_NEAR(metrics["loss"].get<double>(), mean.summary.loss, 1e-12);
    for (const char* name :
         {"classification_report.txt", "confusion_matrix.csv", "confusion_matrix.png", "confusion_matrix.svg"}) {
        EXPECT_TRUE(std::filesystem::exists(out / name)) << name;
    }
}

TEST(EnsembleCommand, WithTtaAveragesEachMembersFlipAverage) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    const auto a = trained_model(dir, 1), b = trained_model(dir, 2);
    const auto out = dir / "ensemble";
    const Result result = run("ensemble " + a.string() + " " + b.string() +
                              " --dataset fashion_mnist --samples 100 --batch-size 7 --tta --out " + out.string());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    LoadedModel la = load_model(a), lb = load_model(b);
    const Dataset test = fashion_mnist().test.take(100);
    const EnsemblePrediction expected = predict_ensemble({{"a", la.model.get()}, {"b", lb.model.get()}}, test,
                                                         {.batch_size = 7, .horizontal_flip_tta = true});
    const double accuracy = evaluate_probabilities(expected.probabilities, test, "t").metrics.accuracy;
    EXPECT_THAT(result.output, HasSubstr("(100 images), horizontal-flip TTA"));
    EXPECT_EQ(testing::read_json_file(out / "metrics.json")["accuracy"].get<double>(), accuracy);
}

TEST(EnsembleCommand, RefusesOneModelAnUnreadableFileAndModelsThatDiffer) {
    TempDir dir;
    const Result one = run("ensemble " + (dir / "a.safetensors").string());
    EXPECT_EQ(one.exit_code, 2) << one.output;
    EXPECT_THAT(one.output, HasSubstr("expected at least 2 model files, found 1"));

    // Two models of different inputs: the check comes before any data is read.
    Sequential small("small");
    small.add(Input{{8, 8, 3}});
    small.add(Flatten());
    small.add(Dense(3, "softmax"));
    small.compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 1});
    save_model(small, dir / "small.safetensors");
    Sequential grey("grey");
    grey.add(Input{{28, 28, 1}});
    grey.add(Flatten());
    grey.add(Dense(10, "softmax"));
    grey.compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 1});
    save_model(grey, dir / "grey.safetensors");

    const auto out = dir / "out";
    const Result missing = run("ensemble " + (dir / "small.safetensors").string() + " " +
                               (dir / "nonexistent.safetensors").string() + " --out " + out.string());
    EXPECT_EQ(missing.exit_code, 2) << missing.output;
    EXPECT_THAT(missing.output, HasSubstr("nonexistent.safetensors"));

    const Result differ = run("ensemble " + (dir / "small.safetensors").string() + " " +
                              (dir / "grey.safetensors").string() + " --out " + out.string());
    EXPECT_EQ(differ.exit_code, 2) << differ.output;
    EXPECT_THAT(differ.output, HasSubstr("grey.safetensors takes images (28, 28, 1) and outputs (None, 10)"));
    EXPECT_THAT(differ.output, HasSubstr("small.safetensors takes images (8, 8, 3) and outputs (None, 3)"));
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(EvaluateCommand, WithTtaScoresTheFlipAverage) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    const auto model = trained_model(dir, 3);
    const auto out = dir / "evaluation";
    const Result result = run("evaluate " + model.string() + " --dataset fashion_mnist --samples " +
                              std::to_string(samples) + " --tta --out " + out.string());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    LoadedModel loaded = load_model(model);
    const Dataset test = fashion_mnist().test.take(samples);
    const ClassifierEvaluation expected =
        evaluate_probabilities(predict_probabilities(*loaded.model, test, {.horizontal_flip_tta = true}), test, "t",
                               &loaded.model->loss(), loaded.model->metrics());
    EXPECT_THAT(result.output, HasSubstr("on the fashion_mnist test split (300 images), horizontal-flip TTA"));
    EXPECT_THAT(result.output, HasSubstr(four_decimals("\nAccuracy: ", expected.metrics.accuracy)));
    const nlohmann::json metrics = testing::read_json_file(out / "metrics.json");
    EXPECT_EQ(metrics["accuracy"].get<double>(), expected.metrics.accuracy);
    EXPECT_NEAR(metrics["loss"].get<double>(), expected.summary.loss, 1e-12);
    EXPECT_EQ(metrics["split"], "fashion_mnist test split (300 images), horizontal-flip TTA");
    // Without --tta it is the model's own evaluation, which differs somewhere (TTA changes some probabilities).
    const Result plain = run("evaluate " + model.string() + " --dataset fashion_mnist --samples " +
                             std::to_string(samples) + " --out " + (dir / "plain").string());
    ASSERT_EQ(plain.exit_code, 0) << plain.output;
    EXPECT_NE(testing::read_json_file(dir / "plain" / "metrics.json")["loss"].get<double>(),
              metrics["loss"].get<double>());
}

TEST(PredictCommand, WithTtaPrintsTheFlipAverage) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    const auto model = trained_model(dir, 4);
    const Result result = run("predict " + model.string() + " --dataset fashion_mnist --samples 4 --tta --json");
    ASSERT_EQ(result.exit_code, 0) << result.output;
    LoadedModel loaded = load_model(model);
    const Tensor expected =
        predict_probabilities(*loaded.model, fashion_mnist().test.take(4), {.horizontal_flip_tta = true});
    // The model never saw a mirror image: a warning on stderr says so, then stdout's JSON.
    EXPECT_THAT(result.output, HasSubstr("was trained without horizontal flips"));
    const nlohmann::json json = nlohmann::json::parse(result.output.substr(result.output.find('[')));
    ASSERT_EQ(json.size(), 4u);
    for (int64_t i = 0; i < 4; ++i) {
        for (const auto& top : json[static_cast<size_t>(i)]["top_k"]) {
            EXPECT_NEAR(top["probability"].get<double>(), expected[i * 10 + top["index"].get<int64_t>()], 1e-6);
        }
    }
}

TEST(EnsembleCommand, HelpListsTheNewCommandAndFlags) {
    EXPECT_THAT(run("--help").output, HasSubstr("ensemble"));
    const Result ensemble = run("ensemble --help");
    EXPECT_EQ(ensemble.exit_code, 0);
    for (const char* flag : {"--dataset", "--samples", "--batch-size", "--tta", "--out"}) {
        EXPECT_THAT(ensemble.output, HasSubstr(flag));
    }
    EXPECT_THAT(run("evaluate --help").output, HasSubstr("--tta"));
    EXPECT_THAT(run("predict --help").output, HasSubstr("--tta"));
    EXPECT_THAT(run("train --help").output, HasSubstr("--repeat"));
}

}  // namespace
}  // namespace nnlab
