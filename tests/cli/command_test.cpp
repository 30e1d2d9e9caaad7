// The nnlab command as a user runs it: exit codes, messages on stderr, nothing written on bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "nnlab/nnlab.hpp"
#include "nnlab/report/figures.hpp"
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
    for (const char* args :
         {"--help", "train --help", "summary --help", "evaluate --help", "predict --help", "compare --help"}) {
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

// Out of range as an experiment file's epochs are: a value given here ends up in the run's config.toml.
TEST(Command, UnknownOptionAndEpochsOutOfRange) {
    EXPECT_EQ(run("train " + example("seed_mlp.toml") + " --epoch 3").exit_code, 2);
    for (const char* epochs : {"0", "2000000000"}) {
        const Result result = run("train " + example("seed_mlp.toml") + " --epochs " + epochs);
        EXPECT_EQ(result.exit_code, 2) << epochs;
        EXPECT_THAT(result.output, HasSubstr("--epochs: expected a whole number from 1 to 1000000000")) << epochs;
    }
}

TEST(Command, ThreadsMustBeInRange) {
    for (const char* args : {"--threads 0 summary ", "summary --threads -2 ", "--threads 2000 summary "}) {
        const Result result = run(args + example("seed_mlp.toml"));
        EXPECT_EQ(result.exit_code, 2) << args;
        EXPECT_THAT(result.output, HasSubstr("--threads")) << args;
    }
    const Result from_environment =
        nnlab::testing::run_command(NNLAB_BINARY, "summary " + example("seed_mlp.toml"), "NNLAB_THREADS=none");
    EXPECT_EQ(from_environment.exit_code, 2) << from_environment.output;
    EXPECT_THAT(from_environment.output, HasSubstr("NNLAB_THREADS), found 'none'"));
}

// The thread count reaches the run: the report says how many threads trained, from the option (before or after
// the command name) or from NNLAB_THREADS.
// Debian's Fashion-MNIST (scripts/install-deps.sh installs it): a quick real dataset for whole runs.
constexpr const char* fashion_mnist_file = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
constexpr const char* fashion_mnist_missing =
    "Debian's dataset-fashion-mnist is not installed (scripts/install-deps.sh installs it)";

// A one-layer classifier on 256 Fashion-MNIST images, silent; `train_keys` go under [train].
std::string small_fashion_mnist_config(const std::string& train_keys) {
    return "[data]\ndataset = \"fashion_mnist\"\ntrain_samples = 256\ntest_samples = 64\n"
           "[model]\nlayers = [{ type = \"Flatten\" }, { type = \"Dense\", units = 10, activation = \"softmax\" }]\n"
           "[train]\nverbose = 0\n" +
           train_keys;
}

TEST(Command, ThreadsReachTheRun) {
    if (!std::filesystem::exists(fashion_mnist_file)) GTEST_SKIP() << fashion_mnist_missing;
    TempDir dir;
    const auto config = dir.write("small.toml", small_fashion_mnist_config(""));
    const std::array<std::pair<std::string, std::string>, 3> cases{
        {{"--threads 1 train ", ""}, {"train --threads 3 ", ""}, {"train ", "NNLAB_THREADS=1"}}};
    for (const auto& [args, environment] : cases) {
        const auto out = dir / "run";
        std::filesystem::remove_all(out);
        const Result result =
            nnlab::testing::run_command(NNLAB_BINARY, args + config.string() + " --out " + out.string(), environment);
        ASSERT_EQ(result.exit_code, 0) << args << environment << ": " << result.output;
        std::ifstream report(out / "report.html");
        const std::string html((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
        EXPECT_THAT(html, HasSubstr(args.find('3') != std::string::npos ? " 3 threads)" : " 1 thread)"))
            << args << environment;
    }
}

// precision = "bfloat16" trains in bfloat16 where the CPU has AVX-512 BF16, and otherwise says so and stays in
// float32; oneDNN's DNNL_MAX_CPU_ISA plays the CPU without it.
TEST(Command, Bfloat16FallsBackToFloat32WithAMessage) {
    if (!std::filesystem::exists(fashion_mnist_file)) GTEST_SKIP() << fashion_mnist_missing;
    TempDir dir;
    const auto config = dir.write("small.toml", small_fashion_mnist_config("precision = \"bfloat16\"\n"));
    for (const std::string environment : {"DNNL_MAX_CPU_ISA=AVX512_CORE", ""}) {
        if (environment.empty() && !nnlab::bfloat16_supported()) continue;
        const auto out = dir / "run";
        std::filesystem::remove_all(out);
        const Result result = nnlab::testing::run_command(
            NNLAB_BINARY, "train " + config.string() + " --out " + out.string(), environment);
        ASSERT_EQ(result.exit_code, 0) << environment << ": " << result.output;
        std::ifstream report(out / "report.html");
        const std::string html((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
        if (environment.empty()) {
            EXPECT_THAT(result.output, ::testing::Not(HasSubstr("AVX-512 BF16")));
            EXPECT_THAT(html, HasSubstr("<td>Precision</td><td>bfloat16</td>"));
        } else {
            EXPECT_THAT(result.output, HasSubstr("precision \"bfloat16\" needs a CPU with AVX-512 BF16; this one has "
                                                 "none, so the run stays in float32"));
            EXPECT_THAT(html, HasSubstr("<td>Precision</td><td>float32</td>"));
        }
    }
}

TEST(Command, EvaluateRejectsAMissingModelFile) {
    const Result result = run("evaluate /nonexistent/model.safetensors");
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.output, HasSubstr("/nonexistent/model.safetensors"));
}

// A small saved classifier of 8×8 RGB images into three named classes.
std::filesystem::path tiny_model(const TempDir& dir) {
    nnlab::Sequential model("tiny");
    model.add(nnlab::Input{{8, 8, 3}});
    model.add(nnlab::Flatten());
    model.add(nnlab::Dense(3, "softmax"));
    model.compile(nnlab::Adam(0.001), nnlab::CategoricalCrossentropy(), {.seed = 1});
    const auto path = dir / "tiny.safetensors";
    nnlab::save_model(model, path, {.class_names = {"cat", "dog", "ship"}});
    return path;
}

TEST(Command, PredictPrintsTheTopClassesOfAnImageFile) {
    TempDir dir;
    const auto model = tiny_model(dir);
    // A real PNG (400×400 or so), resized to the model's 8×8 on the way in.
    const auto image = dir.write(
        "figure.png", nnlab::render_confusion_matrix({3, 1, 0, 2}, {"a", "b"}, "t", nnlab::FigureFormat::png));
    const Result text = run("predict " + model.string() + " " + image.string() + " --top-k 2");
    ASSERT_EQ(text.exit_code, 0) << text.output;
    EXPECT_THAT(text.output, HasSubstr("figure.png: "));
    const Result json = run("predict " + model.string() + " " + image.string() + " --json");
    ASSERT_EQ(json.exit_code, 0) << json.output;
    const auto parsed = nlohmann::json::parse(json.output);
    ASSERT_EQ(parsed.size(), 1u);
    const auto& top = parsed[0]["top_k"];
    ASSERT_EQ(top.size(), 3u);
    double sum = 0;
    for (size_t k = 0; k < top.size(); ++k) {
        sum += top[k]["probability"].get<double>();
        if (k > 0) {
            EXPECT_GE(top[k - 1]["probability"].get<double>(), top[k]["probability"].get<double>());
        }
        EXPECT_THAT((std::vector<std::string>{"cat", "dog", "ship"}), ::testing::Contains(top[k]["class"]));
    }
    EXPECT_NEAR(sum, 1.0, 1e-5);
}

TEST(Command, PredictNamesAnUnreadableImage) {
    TempDir dir;
    const auto model = tiny_model(dir);
    const auto broken = dir.write("broken.png", "\x89PNG but not really");
    const Result result = run("predict " + model.string() + " " + broken.string());
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_THAT(result.output, HasSubstr("broken.png"));
    EXPECT_EQ(run("predict " + model.string() + " " + broken.string() + " --top-k 4").exit_code, 2);
    EXPECT_THAT(run("predict " + model.string()).output, HasSubstr("give image files or --dataset"));
}

TEST(Command, EvaluateNamesBothShapesWhenTheModelDoesNotFitTheData) {
    if (!std::filesystem::exists(fashion_mnist_file)) GTEST_SKIP() << fashion_mnist_missing;
    TempDir dir;
    const Result result = run("evaluate " + tiny_model(dir).string() + " --dataset fashion_mnist");
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_THAT(result.output, HasSubstr("takes images (8, 8, 3) and outputs 3 classes"));
    EXPECT_THAT(result.output, HasSubstr("has images (28, 28, 1) and 10 classes"));
}

TEST(Command, CompareNeedsASweepAndTrainRefusesOne) {
    TempDir dir;
    const Result compare = run("compare " + example("seed_mlp.toml"));
    EXPECT_EQ(compare.exit_code, 2);
    EXPECT_THAT(compare.output, HasSubstr("no [sweep] table"));
    const Result train = run("train " + example("seed_losses.toml") + " --out " + (dir / "run").string());
    EXPECT_EQ(train.exit_code, 2);
    EXPECT_THAT(train.output, HasSubstr("nnlab compare"));
    EXPECT_FALSE(std::filesystem::exists(dir / "run"));
}

TEST(Command, SetOverridesAnySettingAndABadOneExitsTwoBeforeAnythingIsWritten) {
    // A CSV of 40 rows: features x, 2x; label 1 when x > 20. Trained for one epoch with overrides of every kind.
    TempDir dir;
    std::string rows;
    for (int i = 0; i < 40; ++i)
        rows += std::to_string(i) + "," + std::to_string(2 * i) + "," + (i > 20 ? "1" : "0") + "\n";
    const auto csv = dir.write("t.csv", rows);
    const auto config =
        dir.write("t.toml", "name = \"t\"\n[data]\ndataset = \"" + csv.string() +
                                "\"\ntest_split = 0.25\n[model]\nlayers = [{ type = \"Normalization\" }, "
                                "{ type = \"Dense\", units = 4, activation = \"relu\" }, "
                                "{ type = \"Dense\", units = 1, activation = \"sigmoid\" }]\n"
                                "[train]\nloss = \"binary_crossentropy\"\nepochs = 1\n[optimizer]\ntype = \"adam\"\n");
    const Result ok =
        run("train " + config.string() + " --set model.layers.dense.units=7 --set train.batch_size=5 " +
            "--set optimizer.learning_rate=0.01 --set 'train.metrics=[\"auc\"]' --out " + (dir / "run").string());
    ASSERT_EQ(ok.exit_code, 0) << ok.output;
    EXPECT_THAT(ok.output, HasSubstr("(None, 7)"));
    const std::string resolved = [&] {
        std::ifstream file(dir / "run" / "config.toml");
        std::stringstream text;
        text << file.rdbuf();
        return text.str();
    }();
    EXPECT_THAT(resolved, HasSubstr("batch_size = 5"));
    EXPECT_THAT(resolved, HasSubstr("units = 7"));
    EXPECT_THAT(resolved, HasSubstr("metrics = [\"auc\"]"));
    for (const auto& [option, message] :
         {std::pair{"--set model.layers[5].units=3", "--set model.layers[5].units: \"model.layers\" holds 3 entries"},
          {"--set model.layers.dense_7.units=3", "no layer named \"dense_7\""},
          {"--set train.batch_size=-1", "--set train.batch_size=-1: "},
          {"--set model.layers", "--set: expected KEY=VALUE"}}) {
        const Result bad = run("train " + config.string() + " " + option + " --out " + (dir / "bad").string());
        EXPECT_EQ(bad.exit_code, 2) << option << "\n" << bad.output;
        EXPECT_THAT(bad.output, HasSubstr(message)) << option;
        EXPECT_FALSE(std::filesystem::exists(dir / "bad")) << option;
    }
}

}  // namespace
