// The kill harness: nnlab train killed (SIGKILL, or SIGINT) at pseudo-random moments — during start-up, steps,
// epoch ends and the writing of files — and resumed each time until it finishes, must end with the same model,
// history and metrics, byte for byte, as the run that was never interrupted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "tests/support/fashion_mnist.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/write_files.hpp"

namespace {

using nnlab::testing::read_file;
namespace fs = std::filesystem;
using nnlab::testing::start_command;
using nnlab::testing::TempDir;
using nnlab::testing::wait_for_command;
using ::testing::HasSubstr;
using ::testing::Not;

// A small Fashion-MNIST MLP with dropout (a random stream in a layer), augmentation (per-image streams), shuffling,
// Adam (moments and a step count) and a state saved every 5 steps, so that kills land in saves too.
std::string config(const std::string& extra_layers, const std::string& extra) {
    return R"(name = "kill"
seed = 11
[data]
dataset = "fashion_mnist"
train_samples = 3000
test_samples = 500
validation = "test"
[augment]
width_shift_range = 0.1
horizontal_flip = true
[model]
layers = [
  { type = "Flatten" },
  { type = "Dense", units = 128, activation = "relu" },
  { type = "Dropout", rate = 0.2 },)" +
           extra_layers + R"(
  { type = "Dense", units = 10, activation = "softmax" },
]
[train]
batch_size = 32
epochs = 4
verbose = 0
state_every_steps = 5
[optimizer]
type = "adam"
learning_rate = 0.001
)" + extra;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Each file a finished run leaves that must not depend on interruptions.
void expect_same_results(const fs::path& run, const fs::path& reference) {
    for (const char* file : {"model.safetensors", "history.json", "history.csv", "metrics.json"}) {
        ASSERT_TRUE(fs::exists(run / file)) << run / file;
        EXPECT_TRUE(read_file(run / file) == read_file(reference / file))
            << run / file << " differs from the uninterrupted run's";
    }
    // Nothing half-written is left behind.
    for (const fs::path& folder : {run, run / "state"})
        for (const auto& entry : fs::directory_iterator(folder))
            EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
}

// The uninterrupted run, timed; then runs signalled at `kills` moments drawn uniformly from its duration, each
// start after a signal continuing with --resume once its folder holds a state (else starting afresh). A run that
// finishes before its next signal is compared and the next one begins, until every signal has been sent; every
// finished run must equal the uninterrupted one byte for byte.
void expect_same_as_uninterrupted(const std::string& experiment, int signal, int kills,
                                  const std::vector<std::string>& extra_arguments = {}, unsigned seed = 2026) {
    TempDir dir;
    const fs::path config_file = dir.write("kill.toml", experiment);
    const fs::path reference = dir / "reference";
    std::vector<std::string> arguments{"train", config_file.string(), "--out", reference.string()};
    arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
    const auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(wait_for_command(start_command(NNLAB_BINARY, arguments, dir / "reference.log")), 0)
        << read_file(dir / "reference.log");
    const double seconds = seconds_since(start);

    std::mt19937 draw(seed);
    std::uniform_real_distribution<double> moment(0.0, seconds);
    // Signals go on past `kills` until enough of them have landed after a first save (under load the reference's
    // timing says little about a killed run's), so that every variant really resumes.
    const int enough_resumes = std::max(1, kills / 4);
    int sent = 0, resumed_starts = 0, finished = 0;
    auto signalling = [&] { return sent < kills || resumed_starts < enough_resumes; };
    for (int round = 0; signalling() || finished == 0; ++round) {
        ASSERT_LT(round, 6 * kills + 30) << "the runs never finish, or the signals never land after a save";
        const fs::path run = dir / ("run" + std::to_string(finished));
        const fs::path log = dir / ("run" + std::to_string(finished) + ".log");
        // A run killed before its first save holds no state: it says it cannot be continued, and starts afresh.
        const bool resume = fs::exists(run / "state" / "training_state.safetensors") ||
                            fs::exists(run / "state" / "training_state.previous.safetensors");
        arguments = resume
                        ? std::vector<std::string>{"train", "--resume", run.string()}
                        : std::vector<std::string>{"train", config_file.string(), "--out", run.string(), "--overwrite"};
        arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
        resumed_starts += resume;
        const pid_t pid = start_command(NNLAB_BINARY, arguments, log);
        if (signalling()) {
            std::this_thread::sleep_for(std::chrono::duration<double>(moment(draw)));
            // One signal: after SIGINT the run finishes its step and saves (a second would stop it at once).
            ::kill(pid, signal);
            ++sent;
        }
        const int code = wait_for_command(pid);
        if (code == 0) {
            expect_same_results(run, reference);
            ++finished;
            continue;
        }
        // The only ways a start may end early: the signal itself, or exit 130 once SIGINT saved the state.
        ASSERT_TRUE(code == 128 + signal || (signal == SIGINT && code == 130))
            << "start " << round << " ended with " << code << "\n"
            << read_file(log);
        // (A SIGINT before the handler is set, during start-up, ends the process as the signal does: also 130.)
        if (read_file(log).find("nnlab: interrupted:") != std::string::npos) {
            EXPECT_THAT(read_file(log), HasSubstr("Continue with: nnlab train --resume " + run.string()));
        }
    }
    EXPECT_GE(sent, kills);
    EXPECT_GE(resumed_starts, enough_resumes);
}

TEST(KillResume, SigkillAtTwentyMomentsEndsAsTheUninterruptedRun) {
    SKIP_WITHOUT_FASHION_MNIST();
    expect_same_as_uninterrupted(config("", ""), SIGKILL, 20);
}

TEST(KillResume, SigintSavesAndExits130ThenResumesToTheSameRun) {
    SKIP_WITHOUT_FASHION_MNIST();
    expect_same_as_uninterrupted(config("", ""), SIGINT, 6, {}, 7);
}

TEST(KillResume, EarlyStoppingWithBestWeightsResumesToTheSameRun) {
    SKIP_WITHOUT_FASHION_MNIST();
    // patience 1 on a noisy monitor: it waits, and may stop; restore_best_weights keeps a copy of the weights.
    expect_same_as_uninterrupted(config("", R"(
[[callbacks]]
type = "early_stopping"
monitor = "val_accuracy"
patience = 1
restore_best_weights = true
[[callbacks]]
type = "reduce_lr_on_plateau"
monitor = "val_loss"
patience = 0
factor = 0.5
)"),
                                 SIGKILL, 6, {}, 11);
}

TEST(KillResume, PerStepScheduleResumesToTheSameRun) {
    SKIP_WITHOUT_FASHION_MNIST();
    expect_same_as_uninterrupted(config("", R"(
[schedule]
type = "cosine_decay"
decay_steps = 300
)"),
                                 SIGKILL, 6, {}, 13);
}

TEST(KillResume, Bfloat16AndALoaderWorkerResumeToTheSameRun) {
    SKIP_WITHOUT_FASHION_MNIST();
    std::string experiment = config("", "");
    experiment.replace(experiment.find("verbose = 0"), 11, "verbose = 0\nprecision = \"bfloat16\"");
    experiment.replace(experiment.find("validation = \"test\""), 19, "validation = \"test\"\nworkers = 1");
    expect_same_as_uninterrupted(experiment, SIGKILL, 6, {}, 17);
}

TEST(KillResume, ASecondSigintStopsAtOnceWithoutTheSave) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    // Steps of a few tenths of a second, so that the second signal comes while the first waits for its step even on a
    // loaded machine.
    const fs::path config_file = dir.write("slow.toml", R"(name = "slow"
[data]
dataset = "fashion_mnist"
train_samples = 20000
test_samples = 500
[model]
layers = [{ type = "Flatten" }, { type = "Dense", units = 4096, activation = "relu" },
          { type = "Dense", units = 10, activation = "softmax" }]
[train]
batch_size = 4096
epochs = 2
verbose = 0
state_every_steps = 1
)");
    const fs::path run = dir / "run";
    const pid_t pid = start_command(NNLAB_BINARY, {"train", config_file.string(), "--out", run.string()}, dir / "log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!fs::exists(run / "state" / "training_state.safetensors") && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ::kill(pid, SIGINT);
    // A second signal sent while the first is still pending would merge with it: wait until the first was handled.
    while (read_file(dir / "log").find("again to stop at once") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ::kill(pid, SIGINT);
    EXPECT_EQ(wait_for_command(pid), 130);
    const std::string log = read_file(dir / "log");
    EXPECT_THAT(log, HasSubstr("again to stop at once"));
    EXPECT_THAT(log, Not(HasSubstr("Continue with")));
    EXPECT_FALSE(fs::exists(run / "model.safetensors")) << "the first signal's save went on: " << log;
}

}  // namespace
