// nnlab train --init-from MODEL: a new run that starts from a saved model's weights, with frozen layers kept.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "nnlab/io/model_file.hpp"
#include "tests/support/fashion_mnist.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using nnlab::testing::run_command;
using nnlab::testing::TempDir;
using ::testing::HasSubstr;

std::string experiment(const std::string& first_dense_extra) {
    return R"(name = "tune"
seed = 21
[data]
dataset = "fashion_mnist"
train_samples = 500
test_samples = 200
[model]
layers = [{ type = "Flatten" }, { type = "Dense", units = 16, activation = "relu")" +
           first_dense_extra + R"( }, { type = "Dense", units = 10, activation = "softmax" }]
[train]
batch_size = 50
epochs = 1
verbose = 0
)";
}

std::vector<float> weight(const fs::path& model_file, size_t layer) {
    const nnlab::LoadedModel loaded = nnlab::load_model(model_file);
    const nnlab::Tensor& value = loaded.model->layers()[layer]->params()[0]->value;
    return {value.data(), value.data() + value.numel()};
}

TEST(InitFrom, StartsFromTheSavedWeightsAndFrozenLayersKeepThem) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    const auto base = run_command(
        NNLAB_BINARY, "train " + dir.write("base.toml", experiment("")).string() + " --out " + (dir / "base").string());
    ASSERT_EQ(base.exit_code, 0) << base.output;
    const fs::path saved = dir / "base" / "model.safetensors";

    const auto tuned =
        run_command(NNLAB_BINARY, "train " + dir.write("tune.toml", experiment(", trainable = false")).string() +
                                      " --init-from " + saved.string() + " --out " + (dir / "tuned").string());
    ASSERT_EQ(tuned.exit_code, 0) << tuned.output;
    EXPECT_EQ(weight(dir / "tuned" / "model.safetensors", 1), weight(saved, 1));  // frozen: as saved
    EXPECT_NE(weight(dir / "tuned" / "model.safetensors", 2), weight(saved, 2));  // trained on from there
    std::stringstream config;
    config << std::ifstream(dir / "tuned" / "config.toml").rdbuf();
    EXPECT_THAT(config.str(), HasSubstr("init_from = \"" + saved.string() + "\""));
    EXPECT_THAT(config.str(), HasSubstr("trainable = false"));

    // Another architecture is refused before anything is written.
    std::string wider = experiment("");
    wider.replace(wider.find("units = 16"), 10, "units = 32");
    const auto refused =
        run_command(NNLAB_BINARY, "train " + dir.write("wider.toml", wider).string() + " --init-from " +
                                      saved.string() + " --out " + (dir / "wider").string());
    EXPECT_EQ(refused.exit_code, 2) << refused.output;
    EXPECT_THAT(refused.output, HasSubstr("model.init_from"));
    EXPECT_THAT(refused.output, HasSubstr("another architecture"));
    EXPECT_FALSE(fs::exists(dir / "wider"));
}

}  // namespace
