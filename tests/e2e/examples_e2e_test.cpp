// The C++ API examples run as a user would run them, on real data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/cifar_data.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;

// A layer of the program's own, registered, named in an experiment file, trained, saved and loaded back: the
// example checks that the reloaded model reproduces the run's test accuracy and exits 1 when it does not.
TEST(ExamplesEndToEnd, CustomLayerTrainsFromTomlSavesAndLoads) {
    if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) {
        GTEST_SKIP() << "Debian's dataset-fashion-mnist is not installed (scripts/install-deps.sh installs it)";
    }
    testing::TempDir dir;
    const auto result =
        testing::run_command(NNLAB_CUSTOM_LAYER_EXAMPLE,
                             std::string(NNLAB_SOURCE_DIR) + "/examples/custom_layer.toml " + (dir / "run").string());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr("channel_scale (ChannelScale)"));
    EXPECT_THAT(result.output, HasSubstr("(layer ChannelScale)"));
    EXPECT_TRUE(std::filesystem::exists(dir / "run" / "model.safetensors"));
}

TEST(ExamplesEndToEnd, SeedMlpThroughTheCppApi) {
    SKIP_WITHOUT_CIFAR();
    const auto result = testing::run_command(NNLAB_SEED_MLP_EXAMPLE, "1 " + testing::cifar_root()->string());
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr("Total params: 1,707,274"));
    EXPECT_THAT(result.output, HasSubstr("Test accuracy: "));
}

}  // namespace
}  // namespace nnlab
