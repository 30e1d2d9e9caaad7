// End to end on the real CIFAR-10 (NNLAB_DATA): the seed MLP learns, and the command writes a run
// folder whose model evaluates to the accuracy the run reported.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "nnlab/nnlab.hpp"
#include "tests/support/cifar_data.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/seed_model.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;

using testing::cifar_root;

Sequential seed_model(Precision precision = Precision::float32) {
    Sequential model;
    testing::add_seed_layers(model);
    model.compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 42, .precision = precision});
    return model;
}

// The floors: chance is 0.10. One epoch on 10,000 images is 157 Adam steps, which reached 0.22–0.26
// over seeds 1–3; one epoch on all 50,000 (782 steps) reached 0.342, where the seed notebook's
// Keras run was at 0.348 (with augmentation).
TEST(SeedMlpEndToEnd, OneEpochOnTenThousandImagesLearns) {
    SKIP_WITHOUT_CIFAR();
    const DatasetSplits cifar = load_dataset("cifar10", cifar_root());
    Sequential model = seed_model();
    model.fit(cifar.train.take(10000), {.batch_size = 64, .epochs = 1});
    const Evaluation test = model.evaluate(cifar.test);
    std::printf("seed MLP, 1 epoch on 10,000 images: test accuracy %.4f, loss %.4f\n", test.accuracy, test.loss);
    EXPECT_GE(test.accuracy, 0.20);
}

TEST(SeedMlpEndToEnd, OneEpochOnTheFullTrainingSetReachesThirtyPercent) {
    SKIP_WITHOUT_CIFAR();
    const DatasetSplits cifar = load_dataset("cifar10", cifar_root());
    Sequential model = seed_model();
    model.fit(cifar.train, {.batch_size = 64, .epochs = 1});
    const Evaluation test = model.evaluate(cifar.test);
    std::printf("seed MLP, 1 epoch on 50,000 images: test accuracy %.4f, loss %.4f\n", test.accuracy, test.loss);
    EXPECT_GE(test.accuracy, 0.30);
}

// Issue 6's bar for mixed precision: after 5 epochs the seed MLP in bfloat16 is within one point of float32
// (measured 0.4509 against 0.4514 with seed 42 and the file's recipe without augmentation).
TEST(SeedMlpEndToEnd, Bfloat16StaysWithinOnePointOfFloat32AfterFiveEpochs) {
    SKIP_WITHOUT_CIFAR();
    if (!bfloat16_supported()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
    const DatasetSplits cifar = load_dataset("cifar10", cifar_root());
    double accuracy[2];
    for (Precision precision : {Precision::float32, Precision::bfloat16}) {
        Sequential model = seed_model(precision);
        ASSERT_EQ(model.precision(), precision);
        model.fit(cifar.train, {.batch_size = 64, .epochs = 5});
        accuracy[static_cast<int>(precision)] = model.evaluate(cifar.test).accuracy;
    }
    std::printf("seed MLP, 5 epochs: test accuracy float32 %.4f, bfloat16 %.4f\n", accuracy[0], accuracy[1]);
    EXPECT_GE(accuracy[1], 0.40);
    EXPECT_NEAR(accuracy[1], accuracy[0], 0.01);
}

using Result = testing::CommandResult;

Result run(const std::string& arguments) {
    return testing::run_command(NNLAB_BINARY, arguments);
}

TEST(SeedMlpEndToEnd, CommandWritesARunFolderThatEvaluatesAgain) {
    SKIP_WITHOUT_CIFAR();
    testing::TempDir dir;
    // The seed recipe on a slice of the data, so the test stays short.
    std::ifstream seed(std::string(NNLAB_SOURCE_DIR) + "/examples/seed_mlp.toml");
    std::stringstream text;
    text << seed.rdbuf();
    std::string config = text.str();
    config.replace(config.find("validation = \"test\""), 19,
                   "validation = \"test\"\ntrain_samples = 5000\ntest_samples = 2000");
    const auto file = dir.write("seed_slice.toml", config);
    const auto out = dir / "run";

    const Result train =
        run("train " + file.string() + " --epochs 2 --out " + out.string() + " --data " + cifar_root()->string());
    ASSERT_EQ(train.exit_code, 0) << train.output;
    EXPECT_THAT(train.output, HasSubstr("Total params: 1,707,274"));
    EXPECT_THAT(train.output, HasSubstr("Epoch 2/2"));
    EXPECT_THAT(train.output, HasSubstr("79/79"));  // 5,000 images at batch 64
    for (const char* name : {"config.toml", "history.csv", "history.json", "model.safetensors", "report.html",
                             "training_curves.png", "training_curves.svg", "metrics.json", "classification_report.txt",
                             "confusion_matrix.csv", "confusion_matrix.png", "confusion_matrix.svg"}) {
        EXPECT_TRUE(std::filesystem::exists(out / name)) << name;
    }
    // The seed's block and the scikit-learn report at the end of the run.
    for (const char* line : {"\nAccuracy: ", "\nPrecision: ", "\nRecall: ", "\nF1-Score: ", "weighted avg"}) {
        EXPECT_THAT(train.output, HasSubstr(line));
    }
    std::ifstream csv(out / "history.csv");
    std::string header, first, second, extra;
    std::getline(csv, header);
    std::getline(csv, first);
    std::getline(csv, second);
    EXPECT_EQ(header, "epoch,accuracy,loss,val_accuracy,val_loss,learning_rate");
    EXPECT_FALSE(std::getline(csv, extra) && !extra.empty());

    // The saved model evaluates to the last epoch's val_accuracy (the test slice is the first 2,000).
    const Result evaluate =
        run("evaluate " + (out / "model.safetensors").string() + " --data " + cifar_root()->string());
    ASSERT_EQ(evaluate.exit_code, 0) << evaluate.output;
    LoadedModel loaded = load_model(out / "model.safetensors");
    const DatasetSplits cifar = load_dataset("cifar10", cifar_root());
    const double reloaded = loaded.model->evaluate(cifar.test.take(2000), 64).accuracy;
    const double reported = std::stod(second.substr(second.find(',', second.find(',', second.find(',') + 1) + 1) + 1));
    EXPECT_NEAR(reloaded, reported, 1e-9);
    // The run's metrics.json is the final model on the same 2,000 test images: the last val_accuracy.
    std::ifstream metrics_file(out / "metrics.json");
    const nlohmann::json metrics = nlohmann::json::parse(metrics_file);
    EXPECT_NEAR(metrics["accuracy"].get<double>(), reported, 1e-9);
    EXPECT_EQ(metrics["per_class"].size(), 10u);
    EXPECT_EQ(metrics["micro"]["f1"].get<double>(), metrics["accuracy"].get<double>());
    std::ifstream report_file(out / "report.html");
    std::stringstream report;
    report << report_file.rdbuf();
    EXPECT_THAT(report.str(), HasSubstr("Classification report"));
    EXPECT_THAT(report.str(), HasSubstr("data:image/png;base64,"));
    EXPECT_THAT(evaluate.output, HasSubstr("Accuracy: "));
    EXPECT_THAT(evaluate.output, HasSubstr("F1-Score: "));
    // evaluate --out on the same 2,000 images writes the same accuracy and the files behind it.
    const auto evaluation = dir / "evaluation";
    const Result again = run("evaluate " + (out / "model.safetensors").string() + " --samples 2000 --out " +
                             evaluation.string() + " --data " + cifar_root()->string());
    ASSERT_EQ(again.exit_code, 0) << again.output;
    char expected[64];
    std::snprintf(expected, sizeof expected, "Accuracy: %.4f\nPrecision: %.4f", reported, reported);
    EXPECT_THAT(again.output, HasSubstr(expected));
    for (const char* name : {"metrics.json", "classification_report.txt", "confusion_matrix.csv",
                             "confusion_matrix.png", "confusion_matrix.svg"}) {
        EXPECT_TRUE(std::filesystem::exists(evaluation / name)) << name;
    }

    // The [augment] table takes effect: the same run without it trains on other batches.
    std::string plain = config;
    plain.replace(plain.find("[augment]"), plain.find("[model]") - plain.find("[augment]"), "");
    const auto plain_out = dir / "plain";
    const Result without = run("train " + dir.write("plain.toml", plain).string() + " --epochs 1 --out " +
                               plain_out.string() + " --data " + cifar_root()->string());
    ASSERT_EQ(without.exit_code, 0) << without.output;
    std::ifstream plain_csv(plain_out / "history.csv");
    std::string plain_header, plain_first;
    std::getline(plain_csv, plain_header);
    std::getline(plain_csv, plain_first);
    EXPECT_NE(plain_first, first) << "training with and without [augment] gave the same first epoch";
    std::ifstream resolved(out / "config.toml");
    std::stringstream resolved_text;
    resolved_text << resolved.rdbuf();
    EXPECT_THAT(resolved_text.str(), HasSubstr("rotation_range = 15"));
}

uint32_t big_endian(const std::string& bytes, size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
}

TEST(SeedMlpEndToEnd, AugmentPreviewWritesAPngGrid) {
    SKIP_WITHOUT_CIFAR();
    testing::TempDir dir;
    const auto out = dir / "grid.png";
    const Result result =
        run("augment-preview " + std::string(NNLAB_SOURCE_DIR) + "/examples/seed_mlp.toml --rows 3 --out " +
            out.string() + " --data " + cifar_root()->string());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    std::ifstream file(out, std::ios::binary);
    const std::string png((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    ASSERT_GT(png.size(), 24u);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    // IHDR: 120 px of class names + 8 columns of 96 px images with 6 px gaps; 24 px header + 3 rows.
    EXPECT_EQ(big_endian(png, 16), 120u + 8u * (96u + 6u) + 6u);
    EXPECT_EQ(big_endian(png, 20), 24u + 3u * (96u + 6u) + 6u);
}

TEST(SeedMlpEndToEnd, CompareRunsEveryVariantAndPredictReadsJpegs) {
    SKIP_WITHOUT_CIFAR();
    testing::TempDir dir;
    const auto file = dir.write("losses.toml", R"(name = "two_losses"
seed = 5
[data]
dataset = "cifar10"
train_samples = 2000
test_samples = 500
[model]
layers = [{ type = "Flatten" }, { type = "Dense", units = 32, activation = "relu" },
          { type = "Dense", units = 10, activation = "softmax" }]
[train]
batch_size = 64
epochs = 2
verbose = 0
[sweep]
train.loss = ["categorical_crossentropy", "hinge"]
)");
    const auto out = dir / "compare";
    const Result result =
        run("compare " + file.string() + " --out " + out.string() + " --data " + cifar_root()->string());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr("loss=categorical_crossentropy"));
    EXPECT_THAT(result.output, HasSubstr("loss=hinge"));
    std::ifstream csv(out / "comparison.csv");
    std::vector<std::string> lines;
    for (std::string line; std::getline(csv, line);) lines.push_back(line);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0],
              "variant,final_val_accuracy,best_val_accuracy,best_epoch,final_val_loss,test_accuracy,seconds,folder");
    EXPECT_EQ(lines[2].rfind("loss=hinge,", 0), 0u) << lines[2];
    for (const char* name : {"comparison.png", "comparison.svg", "report.html",
                             "1-loss_categorical_crossentropy/report.html", "2-loss_hinge/model.safetensors"}) {
        EXPECT_TRUE(std::filesystem::exists(out / name)) << name;
    }
    // The hinge variant's model, on real JPEG files from the sample folder.
    const auto jpeg = *cifar_root() / "cifar10-jpeg-sample" / "test" / "cat" / "0000.jpg";
    if (!std::filesystem::exists(jpeg)) GTEST_SKIP() << jpeg << " is missing";
    const Result predicted =
        run("predict " + (out / "2-loss_hinge" / "model.safetensors").string() + " " + jpeg.string() + " --json");
    ASSERT_EQ(predicted.exit_code, 0) << predicted.output;
    const auto json = nlohmann::json::parse(predicted.output);
    ASSERT_EQ(json.size(), 1u);
    EXPECT_EQ(json[0]["top_k"].size(), 3u);
    EXPECT_EQ(json[0]["source"], jpeg.string());
}

TEST(FashionMnistEndToEnd, SmallMlpReachesEightyFivePercentInTwoEpochs) {
    if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) {
        GTEST_SKIP() << "Debian's dataset-fashion-mnist is not installed (scripts/install-deps.sh installs it)";
    }
    testing::TempDir dir;
    const Result result = run("train " + std::string(NNLAB_SOURCE_DIR) + "/examples/fashion_mnist_mlp.toml --out " +
                              (dir / "run").string());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr("1875/1875"));  // 60,000 images at batch 32
    const size_t at = result.output.find("\nAccuracy: ");
    ASSERT_NE(at, std::string::npos) << result.output;
    const double accuracy = std::stod(result.output.substr(at + 11));
    std::printf("Fashion-MNIST MLP, 2 epochs: test accuracy %.4f\n", accuracy);
    EXPECT_GE(accuracy, 0.85);
}

}  // namespace
}  // namespace nnlab
