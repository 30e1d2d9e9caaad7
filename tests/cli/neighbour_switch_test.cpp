// A run whose threads spin (nnlab's choice on an idle machine) continues under OMP_WAIT_POLICY=passive when another
// program starts computing beside it — and ends with the same results as a run that never switched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/fashion_mnist.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/write_files.hpp"

namespace {

using nnlab::testing::read_file;
namespace fs = std::filesystem;
using nnlab::testing::TempDir;
using ::testing::HasSubstr;

// Sets an environment variable for the test's lifetime (the nnlab it starts inherits it).
class ScopedEnvironment {
public:
    ScopedEnvironment(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value != nullptr)
            setenv(name, value, 1);
        else
            unsetenv(name);
    }
    ~ScopedEnvironment() {
        if (old_)
            setenv(name_, old_->c_str(), 1);
        else
            unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

TEST(NeighbourSwitch, ASpinningRunContinuesPassiveWhenAnotherProgramComputesAndEndsTheSame) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    // 30 epochs: over 4 s of training on a quiet machine (0.15 s an epoch), so that the watch's two readings a
    // second apart find the neighbour before the run ends (8 epochs ended first, in 1.4 s).

    const fs::path config = dir.write("switch.toml", R"(name = "switch"
seed = 4
[data]
dataset = "fashion_mnist"
train_samples = 6000
test_samples = 500
[model]
layers = [{ type = "Flatten" }, { type = "Dense", units = 256, activation = "relu" },
          { type = "Dropout", rate = 0.2 }, { type = "Dense", units = 10, activation = "softmax" }]
[train]
batch_size = 32
epochs = 30
verbose = 0
)");
    const auto reference = nnlab::testing::run_command(
        NNLAB_BINARY, "train " + config.string() + " --out " + (dir / "reference").string(), "OMP_WAIT_POLICY=passive");
    ASSERT_EQ(reference.exit_code, 0) << reference.output;

    // As nnlab sets it when it starts on an idle machine (the test's own machine may not be idle).
    const ScopedEnvironment no_policy("OMP_WAIT_POLICY", nullptr), spin("GOMP_SPINCOUNT", "10000"),
        chosen("NNLAB_WAIT_POLICY_CHOSEN", "spin");
    const fs::path run = dir / "run", log = dir / "run.log";
    const pid_t nnlab =
        nnlab::testing::start_command(NNLAB_BINARY, {"train", config.string(), "--out", run.string()}, log);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const pid_t neighbour = fork();
    ASSERT_GE(neighbour, 0);
    if (neighbour == 0) {
        volatile uint64_t spins = 0;
        while (true) spins = spins + 1;  // a busy program: a volatile store each turn
    }
    const int code = nnlab::testing::wait_for_command(nnlab);
    kill(neighbour, SIGKILL);
    waitpid(neighbour, nullptr, 0);

    ASSERT_EQ(code, 0) << read_file(log);
    EXPECT_THAT(read_file(log), HasSubstr("continuing it with OMP_WAIT_POLICY=passive"));
    EXPECT_THAT(read_file(log), HasSubstr("Continuing " + run.string()));
    for (const char* file : {"model.safetensors", "history.json", "metrics.json"})
        EXPECT_TRUE(read_file(run / file) == read_file(dir / "reference" / file)) << file << " differs";
}

}  // namespace
