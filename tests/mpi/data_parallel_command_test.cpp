// `mpirun -np N nnlab train`: one run folder, written by rank 0, with one process's results; a rank killed ends
// the job within seconds and the run resumes, on the same number of ranks bit for bit, or on another; bad input on
// the ranks is the usual exit 2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/cifar_data.hpp"
#include "tests/support/fashion_mnist.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/write_files.hpp"

namespace {

namespace fs = std::filesystem;
using nnlab::testing::read_file;
using nnlab::testing::TempDir;
using ::testing::HasSubstr;
using Result = nnlab::testing::CommandResult;

// mpirun as root needs its consent; each rank takes one thread and sleeps while it waits.
const std::string environment =
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_WAIT_POLICY=passive NNLAB_THREADS=1";

Result mpirun(int ranks, const std::string& arguments) {
    return nnlab::testing::run_command(
        NNLAB_MPIEXEC, "--oversubscribe -np " + std::to_string(ranks) + " " NNLAB_BINARY " " + arguments, environment);
}

Result alone(const std::string& arguments) {
    return nnlab::testing::run_command(NNLAB_BINARY, arguments, environment);
}

std::string experiment(int train_samples, int epochs, const std::string& extra = "") {
    return R"(name = "dp"
seed = 4
[data]
dataset = "fashion_mnist"
train_samples = )" +
           std::to_string(train_samples) + R"(
test_samples = 1000
validation = "test"
[model]
layers = [{ type = "Flatten" }, { type = "Dense", units = 64, activation = "relu" }, { type = "Dropout", rate = 0.2 },
          { type = "Dense", units = 10, activation = "softmax" }]
[train]
batch_size = 64
verbose = 0
epochs = )" +
           std::to_string(epochs) + "\n" + extra;
}

// The numbers of a history.csv, line by line.
std::vector<std::vector<double>> history_numbers(const fs::path& file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);  // header
    std::vector<std::vector<double>> rows;
    while (std::getline(in, line)) {
        std::vector<double> row;
        std::stringstream fields(line);
        for (std::string field; std::getline(fields, field, ',');) row.push_back(std::stod(field));
        rows.push_back(row);
    }
    return rows;
}

TEST(DataParallelCommand, TwoRanksWriteOneRunFolderWithOneProcesssResults) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    const fs::path config = dir.write("dp.toml", experiment(3000, 2));
    const Result one = alone("train " + config.string() + " --out " + (dir / "one").string());
    ASSERT_EQ(one.exit_code, 0) << one.output;
    const Result two = mpirun(2, "train " + config.string() + " --out " + (dir / "two").string());
    ASSERT_EQ(two.exit_code, 0) << two.output;
    EXPECT_THAT(two.output, HasSubstr("Data parallel: 2 MPI ranks × 1 thread"));
    // Rank 0 alone prints: one summary, one result.
    EXPECT_EQ(two.output.find("Trained 2 epochs"), two.output.rfind("Trained 2 epochs")) << two.output;
    EXPECT_THAT(read_file(dir / "two" / "report.html"), HasSubstr("2 MPI ranks"));
    // The same training to the rounding of the gradient sums: losses to 1e-5, accuracies to a few images.
    const auto a = history_numbers(dir / "one" / "history.csv"), b = history_numbers(dir / "two" / "history.csv");
    ASSERT_EQ(a.size(), b.size());
    for (size_t e = 0; e < a.size(); ++e)
        for (size_t k = 0; k < a[e].size(); ++k)
            EXPECT_NEAR(a[e][k], b[e][k], 2e-3) << "epoch " << e << " column " << k;
}

double test_accuracy(const fs::path& run) {
    return nlohmann::json::parse(read_file(run / "metrics.json")).at("accuracy").get<double>();
}

// The issue's end-to-end check on real CIFAR-10: the seed lab's recipe (augmentation, Adam with step decay, batches
// of 64) for 3 epochs learns as much on 2 ranks as in one process. The two differ only in the rounding of the
// gradient sums, but 2,346 steps amplify that into another sample of the same noise: the epochs' training accuracy
// and loss (means over 50,000 images) agree to a few thousandths, while the test accuracy after 3 epochs moves by
// about 0.01 between seeds (measured 2026-12-05: seeds 1-4 0.415-0.426, seed 42 0.396 alone and 0.377 on 2 ranks).
TEST(DataParallelCommand, TheSeedMlpOnTwoRanksLearnsAsOneProcessOnCifar10) {
    SKIP_WITHOUT_CIFAR();
    TempDir dir;
    const std::string config = std::string(NNLAB_SOURCE_DIR) + "/examples/seed_mlp.toml --epochs 3 --out ";
    const Result one = alone("train " + config + (dir / "one").string());
    ASSERT_EQ(one.exit_code, 0) << one.output;
    const Result two = mpirun(2, "train " + config + (dir / "two").string());
    ASSERT_EQ(two.exit_code, 0) << two.output;
    const auto a = history_numbers(dir / "one" / "history.csv"), b = history_numbers(dir / "two" / "history.csv");
    ASSERT_EQ(a.size(), 3u);
    ASSERT_EQ(b.size(), 3u);
    for (size_t e = 0; e < a.size(); ++e) {
        EXPECT_NEAR(b[e][1], a[e][1], 0.01) << "training accuracy, epoch " << e + 1;
        EXPECT_NEAR(b[e][2], a[e][2], 0.02) << "training loss, epoch " << e + 1;
    }
    const double accuracy_one = test_accuracy(dir / "one"), accuracy_two = test_accuracy(dir / "two");
    EXPECT_GE(accuracy_one, 0.35);
    EXPECT_GE(accuracy_two, 0.35);
    EXPECT_NEAR(accuracy_two, accuracy_one, 0.04);
}

// The processes mpirun started (its children).
std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> children;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        if (!std::getline(stat, line)) continue;
        // pid (comm) state ppid …; comm may hold spaces, so read after the last ')'.
        std::stringstream rest(line.substr(line.rfind(')') + 2));
        char state = 0;
        pid_t ppid = 0;
        rest >> state >> ppid;
        if (ppid == parent) children.push_back(std::stoi(name));
    }
    return children;
}

TEST(DataParallelCommand, AKilledRankEndsTheJobWithinSecondsAndTheRunResumesToTheSameBits) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    const fs::path config = dir.write("dp.toml", experiment(30000, 2, "state_every_steps = 20\n"));
    const Result whole = mpirun(2, "train " + config.string() + " --out " + (dir / "whole").string());
    ASSERT_EQ(whole.exit_code, 0) << whole.output;

    const fs::path run = dir / "run";
    const pid_t job = nnlab::testing::start_command(
        "/usr/bin/env",
        {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1", "OMP_WAIT_POLICY=passive", "NNLAB_THREADS=1",
         NNLAB_MPIEXEC, "--oversubscribe", "-np", "2", NNLAB_BINARY, "train", config.string(), "--out", run.string()},
        dir / "job.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!fs::exists(run / "state" / "training_state.safetensors") && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    // env exec()s mpirun in place; the ranks are its children.
    const std::vector<pid_t> ranks = children_of(job);
    ASSERT_EQ(ranks.size(), 2u) << read_file(dir / "job.log");
    ::kill(ranks.back(), SIGKILL);
    const auto killed = std::chrono::steady_clock::now();
    const int code = nnlab::testing::wait_for_command(job);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
    EXPECT_NE(code, 0) << read_file(dir / "job.log");
    EXPECT_LT(seconds, 10.0) << "the job outlived its killed rank";
    ASSERT_FALSE(fs::exists(run / "metrics.json")) << "the run finished before the kill";

    const Result resumed = mpirun(2, "train --resume " + run.string());
    ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
    for (const char* file : {"model.safetensors", "history.json", "metrics.json"})
        EXPECT_TRUE(read_file(run / file) == read_file(dir / "whole" / file)) << file << " differs";
}

TEST(DataParallelCommand, AStateSavedOnTwoRanksResumesInOneProcess) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    const fs::path config = dir.write("dp.toml", experiment(3000, 1));
    ASSERT_EQ(mpirun(2, "train " + config.string() + " --out " + (dir / "run").string()).exit_code, 0);
    const Result extended = alone("train --resume " + (dir / "run").string() + " --epochs 2");
    ASSERT_EQ(extended.exit_code, 0) << extended.output;
    EXPECT_THAT(extended.output, HasSubstr("after epoch 1"));
    EXPECT_EQ(history_numbers(dir / "run" / "history.csv").size(), 2u);
}

TEST(DataParallelCommand, MissingDataOnTheRanksIsTheUsualExitTwo) {
    TempDir dir;
    const Result missing = mpirun(2, "train " NNLAB_SOURCE_DIR "/examples/seed_mlp.toml --data " + dir.path().string() +
                                         " --out " + (dir / "run").string());
    EXPECT_EQ(missing.exit_code, 2) << missing.output;
    EXPECT_THAT(missing.output, HasSubstr("cifar-10-binary.tar.gz"));
    EXPECT_FALSE(fs::exists(dir / "run"));
}

}  // namespace
