// The run folder as something not to lose: --out on an earlier result is refused unless --overwrite, --resume
// checks the experiment named with it, extends a finished run with --epochs, and --repeat and compare continue a
// set of runs, keeping the finished ones.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/fashion_mnist.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/write_files.hpp"

namespace {

using nnlab::testing::read_file;
namespace fs = std::filesystem;
using nnlab::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

using Result = nnlab::testing::CommandResult;

Result run(const std::string& arguments) {
    return nnlab::testing::run_command(NNLAB_BINARY, arguments);
}

std::string tiny(int epochs, const std::string& extra = "") {
    return R"(name = "tiny"
seed = 8
[data]
dataset = "fashion_mnist"
train_samples = 400
test_samples = 200
[model]
layers = [{ type = "Flatten" }, { type = "Dense", units = 16, activation = "relu" },
          { type = "Dense", units = 10, activation = "softmax" }]
[train]
batch_size = 40
epochs = )" +
           std::to_string(epochs) + "\nverbose = 0\n" + extra;
}

TEST(RunFolders, AnEarlierResultIsRefusedUnlessOverwriteAndOnlyNnlabsFoldersAreReplaced) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    const fs::path config = dir.write("tiny.toml", tiny(1)), out = dir / "run";
    ASSERT_EQ(run("train " + config.string() + " --out " + out.string()).exit_code, 0);
    const std::string model = read_file(out / "model.safetensors");

    const Result again = run("train " + config.string() + " --out " + out.string());
    EXPECT_EQ(again.exit_code, 2);
    EXPECT_THAT(again.output, HasSubstr("--out: " + out.string() + " already holds"));
    EXPECT_THAT(again.output, HasSubstr("--resume"));
    EXPECT_THAT(again.output, HasSubstr("--overwrite"));
    EXPECT_EQ(read_file(out / "model.safetensors"), model);

    // --overwrite replaces the run whole: a file of the old run that the new one does not write is gone.
    std::ofstream(out / "notes.txt") << "old";
    const Result replaced = run("train " + config.string() + " --out " + out.string() + " --overwrite");
    EXPECT_EQ(replaced.exit_code, 0) << replaced.output;
    EXPECT_FALSE(fs::exists(out / "notes.txt"));
    EXPECT_EQ(read_file(out / "model.safetensors"), model);  // same seed, same run

    // A folder nnlab did not write is never emptied.
    fs::create_directories(dir / "mine");
    std::ofstream(dir / "mine" / "thesis.tex") << "keep";
    const Result refused = run("train " + config.string() + " --out " + (dir / "mine").string() + " --overwrite");
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_THAT(refused.output, HasSubstr("not a folder nnlab wrote"));
    EXPECT_EQ(read_file(dir / "mine" / "thesis.tex"), "keep");
}

TEST(Resume, RefusesAChangedExperimentNamingTheKeysAndExtendsAFinishedRun) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    const fs::path config = dir.write("tiny.toml", tiny(2)), out = dir / "run";
    ASSERT_EQ(run("train " + config.string() + " --out " + out.string()).exit_code, 0);

    std::string changed = tiny(2);
    changed.replace(changed.find("batch_size = 40"), 15, "batch_size = 20");
    changed.replace(changed.find("units = 16"), 10, "units = 32");
    const Result refused = run("train " + dir.write("changed.toml", changed).string() + " --resume " + out.string());
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_THAT(refused.output, HasSubstr("train.batch_size"));
    EXPECT_THAT(refused.output, HasSubstr("model.layers[1].units"));

    // More epochs: the run continues from its state and equals one run of 3 epochs.
    const Result extended = run("train " + config.string() + " --resume " + out.string() + " --epochs 3");
    ASSERT_EQ(extended.exit_code, 0) << extended.output;
    EXPECT_THAT(extended.output, HasSubstr("Continuing " + out.string() + " after epoch 2"));
    ASSERT_EQ(
        run("train " + dir.write("three.toml", tiny(3)).string() + " --out " + (dir / "three").string()).exit_code, 0);
    EXPECT_EQ(read_file(out / "model.safetensors"), read_file(dir / "three" / "model.safetensors"));
    EXPECT_EQ(read_file(out / "history.json"), read_file(dir / "three" / "history.json"));

    const Result fewer = run("train --resume " + out.string() + " --epochs 1");
    EXPECT_EQ(fewer.exit_code, 2);
    EXPECT_THAT(fewer.output, HasSubstr("has trained 3 epochs already"));
    const Result nothing = run("train --resume " + (dir / "none").string());
    EXPECT_EQ(nothing.exit_code, 2);
    EXPECT_THAT(nothing.output, HasSubstr("is not a folder"));
}

TEST(Resume, AKilledRunLeavesTheModelOfItsLastFinishedEpoch) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    // Long enough never to finish: the kill comes as soon as the first epoch's model is there.
    const fs::path config = dir.write("tiny.toml", tiny(1000)), out = dir / "run";
    const pid_t pid =
        nnlab::testing::start_command(NNLAB_BINARY, {"train", config.string(), "--out", out.string()}, dir / "log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!fs::exists(out / "model.safetensors") && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    kill(pid, SIGKILL);
    EXPECT_EQ(nnlab::testing::wait_for_command(pid), 128 + SIGKILL) << read_file(dir / "log");
    ASSERT_TRUE(fs::exists(out / "model.safetensors")) << read_file(dir / "log");
    const Result evaluated = run("evaluate " + (out / "model.safetensors").string() + " --samples 100");
    EXPECT_EQ(evaluated.exit_code, 0) << evaluated.output;
    EXPECT_THAT(evaluated.output, HasSubstr("ccuracy"));
}

TEST(Resume, RepeatAndCompareKeepFinishedRunsAndTrainTheRest) {
    SKIP_WITHOUT_FASHION_MNIST();
    TempDir dir;
    const fs::path config = dir.write("tiny.toml", tiny(1)), repeat = dir / "repeat";
    ASSERT_EQ(run("train " + config.string() + " --repeat 2 --out " + repeat.string()).exit_code, 0);
    const std::string first = read_file(repeat / "1-seed8" / "metrics.json");
    const std::string second = read_file(repeat / "2-seed9" / "model.safetensors");
    // As if stopped before the second run began.
    fs::remove_all(repeat / "2-seed9");
    fs::remove(repeat / "repeat_summary.json");
    const Result resumed = run("train " + config.string() + " --repeat 2 --resume " + repeat.string());
    ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
    EXPECT_THAT(resumed.output, HasSubstr("Continuing " + (repeat / "1-seed8").string() + " after epoch 1"));
    EXPECT_EQ(read_file(repeat / "1-seed8" / "metrics.json"), first);
    EXPECT_EQ(read_file(repeat / "2-seed9" / "model.safetensors"), second);
    EXPECT_TRUE(fs::exists(repeat / "repeat_summary.json"));

    const fs::path sweep_file = dir.write("sweep.toml", tiny(1,
                                                             "[optimizer]\ntype = \"adam\"\n[sweep]\n"
                                                             "optimizer.learning_rate = [0.01, 0.001]\n"));
    const fs::path compare = dir / "compare";
    const Result compared = run("compare " + sweep_file.string() + " --out " + compare.string());
    ASSERT_EQ(compared.exit_code, 0) << compared.output;
    const std::string table = read_file(compare / "comparison.csv");
    fs::path second_variant;
    for (const auto& entry : fs::directory_iterator(compare))
        if (entry.path().filename().string().starts_with("2-")) second_variant = entry.path();
    ASSERT_FALSE(second_variant.empty());
    fs::remove_all(second_variant);
    fs::remove(compare / "comparison.csv");
    const Result continued = run("compare " + sweep_file.string() + " --resume " + compare.string());
    ASSERT_EQ(continued.exit_code, 0) << continued.output;
    EXPECT_THAT(continued.output, HasSubstr("Continuing " + compare.string()));
    EXPECT_EQ(read_file(compare / "comparison.csv").substr(0, 40), table.substr(0, 40));  // header and first row start
    EXPECT_TRUE(fs::exists(second_variant / "metrics.json"));
    // Without --resume the folder is an earlier result.
    EXPECT_EQ(run("compare " + sweep_file.string() + " --out " + compare.string()).exit_code, 2);
}

}  // namespace
