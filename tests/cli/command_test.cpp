// The nnlab command as a user runs it: exit codes, messages on stderr, nothing written on bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using nnlab::testing::TempDir;
using ::testing::HasSubstr;

using Result = nnlab::testing::CommandResult;

Result run(const std::string& arguments) {
    return nnlab::testing::run_command(NNLAB_BINARY, arguments);
}

std::string example(const std::string& name) {
    return std::string(NNLAB_SOURCE_DIR) + "/examples/" + name;
}

TEST(Command, SummaryPrintsTheSeedTable) {
    const Result result = run("summary " + example("seed_mlp.toml"));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output,
                HasSubstr("│ dense (Dense)                   │ (None, 512)            │     1,573,376 │"));
    EXPECT_THAT(result.output, HasSubstr(" Total params: 1,707,274 (6.51 MB)"));
}

TEST(Command, HelpWorksEverywhere) {
    for (const char* args : {"--help", "train --help", "summary --help", "evaluate --help"}) {
        const Result result = run(args);
        EXPECT_EQ(result.exit_code, 0) << args << ": " << result.output;
        EXPECT_THAT(result.output, HasSubstr("Usage")) << args;
    }
    EXPECT_THAT(run("train --help").output, HasSubstr("--epochs"));
}

TEST(Command, BadConfigExitsTwoAndWritesNothing) {
    TempDir dir;
    const auto config =
        dir.write("typo.toml", "[model]\nlayers = [{ type = \"Dense\", units = 3 }]\n[train]\nbatchsize = 3\n");
    const auto out = dir / "run";
    const Result result = run("train " + config.string() + " --out " + out.string());
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.output, HasSubstr("typo.toml:4: train.batchsize: unknown key"));
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(Command, MissingDataListsWhereItLooked) {
    TempDir dir;
    const auto out = dir / "run";
    const Result result =
        run("train " + example("seed_mlp.toml") + " --data " + dir.path().string() + " --out " + out.string());
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_THAT(result.output, HasSubstr(dir.path().string()));
    EXPECT_THAT(result.output, HasSubstr("cifar-10-binary.tar.gz"));
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(Command, UnknownOptionAndNonPositiveEpochs) {
    EXPECT_EQ(run("train " + example("seed_mlp.toml") + " --epoch 3").exit_code, 2);
    const Result result = run("train " + example("seed_mlp.toml") + " --epochs 0");
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.output, HasSubstr("--epochs"));
}

TEST(Command, EvaluateRejectsAMissingModelFile) {
    const Result result = run("evaluate /nonexistent/model.safetensors");
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.output, HasSubstr("/nonexistent/model.safetensors"));
}

}  // namespace
