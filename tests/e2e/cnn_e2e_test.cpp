// End to end for the CNN stack: the examples that answer the seed's question and airbench's recipe train on a slice of
// the real CIFAR-10 through the command, and a small CNN built with the C++ API learns Fashion-MNIST.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "nnlab/nnlab.hpp"
#include "tests/support/cifar_data.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using testing::cifar_root;
using Result = testing::CommandResult;

Result run(const std::string& arguments) {
    return testing::run_command(NNLAB_BINARY, arguments);
}
using ::testing::HasSubstr;

// An example with only its first train_samples / test_samples images, written into `dir`.
std::filesystem::path example_slice(const testing::TempDir& dir, const std::string& name, int train, int test) {
    std::ifstream file(std::string(NNLAB_SOURCE_DIR) + "/examples/" + name);
    std::stringstream text;
    text << file.rdbuf();
    std::string config = text.str();
    const std::string anchor = "validation = \"test\"";
    config.replace(config.find(anchor), anchor.size(),
                   anchor + "\ntrain_samples = " + std::to_string(train) + "\ntest_samples = " + std::to_string(test));
    return dir.write(name, config);
}

double printed_accuracy(const std::string& output) {
    const size_t at = output.find("\nAccuracy: ");
    return at == std::string::npos ? -1.0 : std::stod(output.substr(at + 11));
}

double metrics_json_accuracy(const std::filesystem::path& folder) {
    std::ifstream file(folder / "metrics.json");
    return nlohmann::json::parse(file).at("accuracy").get<double>();
}

// Floors: chance is 0.10. One epoch on 5,000 images reached 0.314 (keras_cnn) and 0.197 (the regularised MLP,
// whose batch-norm moving statistics are only 55% of the way from their initial values after 79 steps at
// momentum 0.99, so inference lags training).
TEST(CnnEndToEnd, KerasCnnAndRegularizedMlpLearnOnACifarSlice) {
    SKIP_WITHOUT_CIFAR();
    testing::TempDir dir;
    for (const auto& [name, params, floor] : {std::tuple{"keras_cnn.toml", "Total params: 1,250,858", 0.25},
                                              {"seed_mlp_regularized.toml", "Total params: 1,710,346", 0.15}}) {
        const auto out = dir / (std::string(name) + ".run");
        const Result train = run("train " + example_slice(dir, name, 5000, 1000).string() + " --epochs 1 --out " +
                                 out.string() + " --data " + cifar_root()->string());
        ASSERT_EQ(train.exit_code, 0) << train.output;
        EXPECT_THAT(train.output, HasSubstr(params));
        const double accuracy = printed_accuracy(train.output);
        std::printf("%s, 1 epoch on 5,000 images: test accuracy %.4f\n", name, accuracy);
        EXPECT_GE(accuracy, floor) << name;
        EXPECT_EQ(accuracy, metrics_json_accuracy(out)) << name;
    }
}

// Both ResNets' batch-norm moving statistics, residual blocks (with and without a projection shortcut) and, for
// resnet_small, the max-pooling stages and the logit Rescaling survive the model file: the saved model evaluates
// to exactly the accuracy the run reported.
TEST(CnnEndToEnd, ResnetsRunAndTheirModelsEvaluateAgain) {
    SKIP_WITHOUT_CIFAR();
    testing::TempDir dir;
    // resnet_small's one-cycle warm-up needs more than one step: 5,120 images at batch 512.
    for (const auto& [name, images, params] : {std::tuple{"resnet20.toml", 1280, "Non-trainable params: 1,568"},
                                               {"resnet_small.toml", 5120, "Total params: 2,573,080"}}) {
        const auto out = dir / (std::string(name) + ".run");
        const Result train = run("train " + example_slice(dir, name, images, 250).string() + " --epochs 1 --out " +
                                 out.string() + " --data " + cifar_root()->string());
        ASSERT_EQ(train.exit_code, 0) << train.output;
        EXPECT_THAT(train.output, HasSubstr(params));
        EXPECT_THAT(train.output, HasSubstr("10/10"));  // 1,280 images at batch 128, or 5,120 at 512
        const Result evaluate =
            run("evaluate " + (out / "model.safetensors").string() + " --samples 250 --data " + cifar_root()->string());
        ASSERT_EQ(evaluate.exit_code, 0) << evaluate.output;
        EXPECT_EQ(printed_accuracy(evaluate.output), metrics_json_accuracy(out)) << name << evaluate.output;
    }
}

// airbench's recipe (examples/cifar10_94.toml) as written, in bfloat16, on 10,240 images for 4 epochs: the
// whitening fitted, its bias trained for 3 epochs, the lookahead average from epoch 3, the alternating flip, the
// final TTA evaluation (level 2); the saved model evaluates at that level to exactly the run's accuracy.
// Measured with seeds 1, 2, 3: 0.650, 0.665, 0.683 (chance 0.10).
TEST(CnnEndToEnd, Cifar10_94RecipeLearnsOnASliceAndItsModelEvaluatesAgain) {
    SKIP_WITHOUT_CIFAR();
    testing::TempDir dir;
    const auto out = dir / "run";
    const Result train = run("train " + std::string(NNLAB_SOURCE_DIR) +
                             "/examples/cifar10_94.toml --epochs 4 --set data.train_samples=10240"
                             " --set data.test_samples=1000 --out " +
                             out.string() + " --data " + cifar_root()->string());
    ASSERT_EQ(train.exit_code, 0) << train.output;
    EXPECT_THAT(train.output, HasSubstr("Total params: 1,973,944"));
    EXPECT_THAT(train.output, HasSubstr("10/10"));  // 10,240 images at batch 1024
    EXPECT_THAT(train.output, HasSubstr("horizontal-flip and translate TTA"));
    const double accuracy = printed_accuracy(train.output);
    std::printf("cifar10_94, 4 epochs on 10,240 images: test accuracy with TTA %.4f\n", accuracy);
    EXPECT_GE(accuracy, 0.55);
    EXPECT_EQ(accuracy, metrics_json_accuracy(out));
    const Result evaluate = run("evaluate " + (out / "model.safetensors").string() +
                                " --tta-level 2 --samples 1000 --data " + cifar_root()->string());
    ASSERT_EQ(evaluate.exit_code, 0) << evaluate.output;
    EXPECT_EQ(printed_accuracy(evaluate.output), accuracy) << evaluate.output;
}

// 0.839 after one epoch on 12,000 images; the floor is for 6,000.
TEST(CnnEndToEnd, SmallCnnLearnsFashionMnistInOneEpoch) {
    if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) {
        GTEST_SKIP() << "Debian's dataset-fashion-mnist is not installed (scripts/install-deps.sh installs it)";
    }
    const DatasetSplits data = load_dataset("fashion_mnist", std::nullopt);
    const Dataset train = data.train.take(6000), test = data.test.take(2000);
    Sequential model;
    model.add(Input{{28, 28, 1}});
    model.add(Conv2D(16, {3, 3}, {.padding = "same", .activation = "relu"}));
    model.add(MaxPooling2D());
    model.add(Conv2D(32, {3, 3}, {.activation = "relu"}));
    model.add(BatchNormalization());
    model.add(MaxPooling2D());
    model.add(Dropout(0.25));
    model.add(Flatten());
    model.add(Dense(10, "softmax"));
    model.compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 1});
    model.fit(train, {.batch_size = 32, .epochs = 1});
    const double accuracy = model.evaluate(test).accuracy;
    std::printf("Fashion-MNIST small CNN, 1 epoch on 6,000 images: test accuracy %.4f\n", accuracy);
    EXPECT_GE(accuracy, 0.80);
}

}  // namespace
}  // namespace nnlab
