// A full disk while training: the run stops with exit 1 and a message naming the file it could not write, and
// what it wrote before — the last complete training state, the config, the history — is intact.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "nnlab/train/training_state.hpp"
#include "tests/support/fashion_mnist.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/write_files.hpp"

namespace {

using nnlab::testing::read_file;
namespace fs = std::filesystem;
using nnlab::testing::run_command;
using nnlab::testing::TempDir;
using ::testing::HasSubstr;

// A small tmpfs at `path` for the test's lifetime (mounting needs root).
class SmallFileSystem {
public:
    SmallFileSystem(const fs::path& path, const std::string& size) : path_(path) {
        fs::create_directories(path_);
        mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    }
    ~SmallFileSystem() {
        if (mounted_) ::umount(path_.c_str());
    }
    bool mounted() const { return mounted_; }

private:
    fs::path path_;
    bool mounted_ = false;
};

TEST(DiskFull, StopsWithExit1NamingTheFileAndKeepsTheLastCompleteState) {
    if (::geteuid() != 0) GTEST_SKIP() << "SKIPPED: mounting a small tmpfs to fill needs root (CI runs as root)";
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    // 101,770 parameters: each state holds them three times (weights, Adam's two moments), 1.2 MB; the third
    // save needs a fourth copy's room beside the two kept.
    const SmallFileSystem disk(dir / "disk", "3m");
    if (!disk.mounted()) GTEST_SKIP() << "SKIPPED: cannot mount a tmpfs here";
    const fs::path config = dir.write("full.toml", R"(name = "full"
seed = 3
[data]
dataset = "fashion_mnist"
train_samples = 2000
test_samples = 500
[model]
layers = [{ type = "Flatten" }, { type = "Dense", units = 128, activation = "relu" },
          { type = "Dense", units = 10, activation = "softmax" }]
[train]
batch_size = 64
epochs = 8
verbose = 0
)");
    const fs::path run = dir / "disk" / "run";
    const auto result = run_command(NNLAB_BINARY, "train " + config.string() + " --out " + run.string());
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_THAT(result.output, HasSubstr("cannot write " + run.string()));
    EXPECT_THAT(result.output, HasSubstr("No space left on device"));

    // What was written before is whole: the config, the history so far, the last complete state.
    std::stringstream text;
    text << std::ifstream(run / "config.toml").rdbuf();
    EXPECT_THAT(text.str(), HasSubstr("name = \"full\""));
    EXPECT_TRUE(fs::exists(run / "history.json"));
    const nnlab::TrainingState state = nnlab::TrainingState::read(run / "state" / "training_state.safetensors");
    EXPECT_GE(state.value("position").at("epoch").get<int>(), 1);
    for (const auto& entry : fs::directory_iterator(run / "state"))
        EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
}

}  // namespace
