// ONNX export end to end: the seed MLP, keras_cnn, resnet_small and cifar10_94 (its standardisation in the graph),
// each trained by the command on real CIFAR-10 and exported by the command, give in ONNX Runtime the probabilities
// nnlab's predict gives on real test images.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "nnlab/data/pixel_scale.hpp"
#include "nnlab/nnlab.hpp"
#include "tests/support/cifar_data.hpp"
#include "tests/support/onnx_check.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;

// Trains examples/<example>.toml one epoch on 3,000 CIFAR-10 images in float32 (the precision the ONNX graph
// computes in), exports it with the command, and compares ONNX Runtime with predict on 256 test images.
void expect_onnx_runtime_gives_predicts_probabilities(const std::string& example) {
    testing::TempDir dir;
    const std::string config = std::string(NNLAB_SOURCE_DIR) + "/examples/" + example + ".toml";
    const auto train =
        testing::run_command(NNLAB_BINARY, "train " + config +
                                               " --epochs 1 --set data.train_samples=3000 --set data.test_samples=500"
                                               " --set train.precision=float32 --out " +
                                               (dir / "run").string() + " --data " + testing::cifar_root()->string());
    ASSERT_EQ(train.exit_code, 0) << train.output;
    const auto model_file = dir / "run" / "model.safetensors";
    const auto exported = testing::run_command(NNLAB_BINARY, "export " + model_file.string() + " --format onnx");
    ASSERT_EQ(exported.exit_code, 0) << exported.output;
    EXPECT_THAT(exported.output, HasSubstr("ONNX opset 17"));
    const auto onnx = dir / "run" / "model.onnx";
    EXPECT_EQ(testing::onnx_checker_errors(onnx), "");

    // 256 real test images as the graph takes them: pixels / 255. predict takes them standardised as training did.
    const Dataset test = load_dataset("cifar10", testing::cifar_root()).test.take(256);
    Tensor pixels(Shape{test.size(), 32, 32, 3}), inputs(pixels.shape());
    for (int64_t i = 0; i < pixels.numel(); ++i) pixels[i] = unit_pixel_values()[test.images[static_cast<size_t>(i)]];
    const LoadedModel loaded = load_model(model_file);
    ASSERT_EQ(loaded.model->precision(), Precision::float32);
    for (int64_t n = 0; n < test.size(); ++n) {
        if (loaded.preprocessing) {
            loaded.preprocessing->standardize(test.image(n), inputs.data() + n * 32 * 32 * 3);
        } else {
            std::copy_n(pixels.data() + n * 32 * 32 * 3, 32 * 32 * 3, inputs.data() + n * 32 * 32 * 3);
        }
    }
    const Tensor expected = loaded.model->predict(inputs);
    const Tensor got = testing::run_onnx_runtime(onnx, pixels, dir.path(), expected.shape());
    ASSERT_EQ(got.shape(), expected.shape());
    double worst = 0.0;
    int agree = 0;
    std::vector<int32_t> ours(static_cast<size_t>(test.size())), theirs(static_cast<size_t>(test.size()));
    argmax_rows(expected, ours.data());
    argmax_rows(got, theirs.data());
    for (int64_t i = 0; i < got.numel(); ++i) worst = std::max(worst, std::abs(double{got[i]} - double{expected[i]}));
    for (size_t r = 0; r < ours.size(); ++r) agree += ours[r] == theirs[r];
    std::printf("%s: max |ONNX Runtime - predict| = %.3g over %lld probabilities, %d of %lld argmax equal\n",
                example.c_str(), worst, static_cast<long long>(got.numel()), agree,
                static_cast<long long>(test.size()));
    EXPECT_LE(worst, 1e-4);
    EXPECT_EQ(agree, test.size());
}

class OnnxEndToEnd : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxEndToEnd, OnnxRuntimeGivesPredictsProbabilitiesOnRealTestImages) {
    SKIP_WITHOUT_CIFAR();
    if (const std::string missing = testing::onnx_runtimes_missing(); !missing.empty()) GTEST_SKIP() << missing;
    expect_onnx_runtime_gives_predicts_probabilities(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Examples, OnnxEndToEnd,
                         ::testing::Values("seed_mlp", "keras_cnn", "resnet_small", "cifar10_94"),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

}  // namespace
}  // namespace nnlab
