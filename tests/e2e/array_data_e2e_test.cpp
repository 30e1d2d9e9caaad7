// Data a user brings, end to end: CIFAR-10 written as NumPy arrays trains exactly as the binary batches do, and
// the tabular example (a CSV file from Debian's python3-sklearn) learns and evaluates again from its model file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "nnlab/data/dataset_lookup.hpp"
#include "tests/support/cifar_data.hpp"
#include "tests/support/npy_writer.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/write_files.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;
using Result = testing::CommandResult;

Result run(const std::string& arguments) {
    return testing::run_command(NNLAB_BINARY, arguments);
}

// The number after "Accuracy: " in what evaluate printed; NaN when there is none.
double printed_accuracy(const std::string& output) {
    const size_t at = output.find("Accuracy: ");
    return at == std::string::npos ? std::nan("") : std::stod(output.substr(at + 10));
}

// keras.datasets.cifar10's layout: x (N, 32, 32, 3) uint8, y (N, 1) uint8.
void write_split(const testing::TempDir& dir, const Dataset& split, const std::string& suffix) {
    const int64_t n = split.size();
    dir.write("cifar_npy/x_" + suffix + ".npy",
              testing::npy_bytes("|u1", {n, 32, 32, 3}, std::string(split.images.begin(), split.images.end())));
    std::string labels;
    for (int32_t label : split.labels) labels += static_cast<char>(label);
    dir.write("cifar_npy/y_" + suffix + ".npy", testing::npy_bytes("|u1", {n, 1}, labels));
}

TEST(ArrayDataEndToEnd, NumpyCopyOfCifarTrainsBitForBitAsTheBinaryBatches) {
    SKIP_WITHOUT_CIFAR();
    testing::TempDir dir;
    const DatasetSplits cifar = load_dataset("cifar10", testing::cifar_root());
    write_split(dir, cifar.train, "train");
    write_split(dir, cifar.test, "test");
    std::string names;
    for (const std::string& name : cifar.train.class_names) names += (names.empty() ? "\"" : ", \"") + name + "\"";
    // The seed experiment (augmentation included) on a slice, from each copy.
    std::string config = testing::read_file(std::string(NNLAB_SOURCE_DIR) + "/examples/seed_mlp.toml");
    const std::string anchor = "dataset = \"cifar10\"";
    const std::string slice = "\ntrain_samples = 3000\ntest_samples = 500";
    std::string numpy_config = config;
    numpy_config.replace(numpy_config.find(anchor), anchor.size(),
                         "dataset = \"" + (dir / "cifar_npy").string() + "\"\nclass_names = [" + names + "]" + slice);
    config.replace(config.find(anchor), anchor.size(), anchor + slice);
    const auto binary_file = dir.write("binary.toml", config);
    const auto numpy_file = dir.write("numpy.toml", numpy_config);
    const std::string common = " --epochs 2 --data " + testing::cifar_root()->string();
    const Result binary = run("train " + binary_file.string() + " --out " + (dir / "binary").string() + common);
    ASSERT_EQ(binary.exit_code, 0) << binary.output;
    const Result numpy = run("train " + numpy_file.string() + " --out " + (dir / "numpy").string() + common);
    ASSERT_EQ(numpy.exit_code, 0) << numpy.output;
    // Every logged number, bit for bit (JSON keeps the shortest text that reads back as the same double).
    const nlohmann::json binary_history = testing::read_json_file(dir / "binary" / "history.json");
    EXPECT_EQ(testing::read_json_file(dir / "numpy" / "history.json"), binary_history);
    EXPECT_EQ(binary_history.at("loss").size(), 2u);
    EXPECT_EQ(testing::read_json_file(dir / "numpy" / "metrics.json").at("accuracy"),
              testing::read_json_file(dir / "binary" / "metrics.json").at("accuracy"));
    EXPECT_EQ(testing::read_file(dir / "numpy" / "classification_report.txt"),
              testing::read_file(dir / "binary" / "classification_report.txt"));
}

TEST(ArrayDataEndToEnd, BreastCancerExampleLearnsAndItsModelEvaluatesAgain) {
    const std::filesystem::path csv = "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv";
    if (!std::filesystem::exists(csv))
        GTEST_SKIP() << "Debian's python3-sklearn is not installed (scripts/install-deps.sh installs it)";
    testing::TempDir dir;
    // A seed the example was not tuned on.
    const Result train = run("train " + std::string(NNLAB_SOURCE_DIR) +
                             "/examples/breast_cancer.toml --seed 11 --out " + (dir / "run").string());
    ASSERT_EQ(train.exit_code, 0) << train.output;
    EXPECT_THAT(train.output, HasSubstr("normalization (Normalization)"));
    EXPECT_THAT(train.output, HasSubstr("test split (114 examples)"));
    // Seeds 0–5 reached 0.965–0.974 test accuracy and 0.996–0.998 AUC; chance is 0.58 (66 benign of 114).
    const nlohmann::json metrics = testing::read_json_file(dir / "run" / "metrics.json");
    EXPECT_GE(metrics.at("accuracy").get<double>(), 0.94) << train.output;
    const nlohmann::json history = testing::read_json_file(dir / "run" / "history.json");
    EXPECT_GE(history.at("val_auc").back().get<double>(), 0.98);
    EXPECT_GE(history.at("val_binary_accuracy").back().get<double>(), 0.94);
    // The model file knows how its CSV was read and split: evaluate gives the run's numbers again.
    const Result evaluate = run("evaluate " + (dir / "run" / "model.safetensors").string());
    ASSERT_EQ(evaluate.exit_code, 0) << evaluate.output;
    char accuracy[32];
    std::snprintf(accuracy, sizeof accuracy, "Accuracy: %.4f", metrics.at("accuracy").get<double>());
    EXPECT_THAT(evaluate.output, HasSubstr(accuracy));
    EXPECT_THAT(evaluate.output, HasSubstr("malignant"));

    // New rows in the training file's layout (its metadata line, then rows): every row is a test example, read
    // with the model's CSV settings.
    const std::string text = testing::read_file(csv);
    size_t end = 0;
    for (int line = 0; line < 1 + 150; ++line) end = text.find('\n', end) + 1;
    const auto rows = testing::write_file(dir / "new_rows.csv", text.substr(0, end));
    const Result on_rows =
        run("evaluate " + (dir / "run" / "model.safetensors").string() + " --dataset " + rows.string());
    ASSERT_EQ(on_rows.exit_code, 0) << on_rows.output;
    EXPECT_THAT(on_rows.output, HasSubstr("test split (150 examples)"));
    const double row_accuracy = printed_accuracy(on_rows.output);
    EXPECT_GE(row_accuracy, 0.9) << on_rows.output;  // mostly rows it trained on; chance is below 0.65
    const Result predicted =
        run("predict " + (dir / "run" / "model.safetensors").string() + " --dataset " + rows.string() + " --samples 2");
    ASSERT_EQ(predicted.exit_code, 0) << predicted.output;
    EXPECT_THAT(predicted.output, HasSubstr("test example 1"));
}

TEST(ArrayDataEndToEnd, ImageOnlySettingsOnFloatFeaturesAreRefusedBeforeAnythingIsWritten) {
    const std::filesystem::path csv = "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv";
    if (!std::filesystem::exists(csv))
        GTEST_SKIP() << "Debian's python3-sklearn is not installed (scripts/install-deps.sh installs it)";
    testing::TempDir dir;
    const std::string example = testing::read_file(std::string(NNLAB_SOURCE_DIR) + "/examples/breast_cancer.toml");
    const auto augmented = dir.write("augmented.toml", example + "\n[augment]\nhorizontal_flip = true\n");
    const Result augment = run("train " + augmented.string() + " --out " + (dir / "a").string());
    EXPECT_EQ(augment.exit_code, 2) << augment.output;
    EXPECT_THAT(augment.output, HasSubstr("augment: augmentation transforms uint8 images"));
    EXPECT_FALSE(std::filesystem::exists(dir / "a"));
    std::string tta = example;
    tta.replace(tta.find("verbose = 2"), 11, "verbose = 2\ntta_level = 1");
    const Result refused = run("train " + dir.write("tta.toml", tta).string() + " --out " + (dir / "t").string());
    EXPECT_EQ(refused.exit_code, 2) << refused.output;
    EXPECT_THAT(refused.output, HasSubstr("train.tta_level: test-time augmentation mirrors and shifts images"));
    EXPECT_FALSE(std::filesystem::exists(dir / "t"));
}

}  // namespace
}  // namespace nnlab
