// ONNX export end to end: the seed MLP trained by the command on real CIFAR-10, exported by the command, gives in
// ONNX Runtime the probabilities nnlab's predict gives on real test images.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "nnlab/data/pixel_scale.hpp"
#include "nnlab/nnlab.hpp"
#include "tests/support/cifar_data.hpp"
#include "tests/support/onnx_check.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;

TEST(OnnxEndToEnd, SeedMlpInOnnxRuntimeGivesNnlabsProbabilitiesOnRealTestImages) {
    SKIP_WITHOUT_CIFAR();
    if (const std::string missing = testing::onnx_runtimes_missing(); !missing.empty()) GTEST_SKIP() << missing;
    testing::TempDir dir;
    std::ifstream file(std::string(NNLAB_SOURCE_DIR) + "/examples/seed_mlp.toml");
    std::stringstream text;
    text << file.rdbuf();
    std::string config = text.str();
    const std::string anchor = "validation = \"test\"";
    config.replace(config.find(anchor), anchor.size(), anchor + "\ntrain_samples = 3000\ntest_samples = 500");
    const auto experiment = dir.write("seed.toml", config);
    const auto train =
        testing::run_command(NNLAB_BINARY, "train " + experiment.string() + " --epochs 1 --out " +
                                               (dir / "run").string() + " --data " + testing::cifar_root()->string());
    ASSERT_EQ(train.exit_code, 0) << train.output;
    const auto model_file = dir / "run" / "model.safetensors";
    const auto exported = testing::run_command(NNLAB_BINARY, "export " + model_file.string() + " --format onnx");
    ASSERT_EQ(exported.exit_code, 0) << exported.output;
    EXPECT_THAT(exported.output, HasSubstr("ONNX opset 17"));
    const auto onnx = dir / "run" / "model.onnx";
    EXPECT_EQ(testing::onnx_checker_errors(onnx), "");

    // 256 real test images, as the model takes them: pixels / 255 (the seed's scaling; no standardisation).
    const Dataset test = load_dataset("cifar10", testing::cifar_root()).test.take(256);
    Tensor x(Shape{test.size(), 32, 32, 3});
    for (int64_t i = 0; i < x.numel(); ++i) x[i] = unit_pixel_values()[test.images[static_cast<size_t>(i)]];
    const LoadedModel loaded = load_model(model_file);
    const Tensor expected = loaded.model->predict(x);
    const Tensor got = testing::run_onnx_runtime(onnx, x, dir.path(), expected.shape());
    ASSERT_EQ(got.shape(), expected.shape());
    double worst = 0.0;
    int agree = 0;
    std::vector<int32_t> ours(static_cast<size_t>(x.rows())), theirs(static_cast<size_t>(x.rows()));
    argmax_rows(expected, ours.data());
    argmax_rows(got, theirs.data());
    for (int64_t i = 0; i < got.numel(); ++i) worst = std::max(worst, std::abs(double{got[i]} - double{expected[i]}));
    for (size_t r = 0; r < ours.size(); ++r) agree += ours[r] == theirs[r];
    EXPECT_LE(worst, 1e-4);
    EXPECT_EQ(agree, x.rows());
}

}  // namespace
}  // namespace nnlab
