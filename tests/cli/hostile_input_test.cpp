// nnlab's own corpus of bad input, by class: every case exits 2 with a message naming the file, the line and the
// key, says what was expected and what was found, and writes nothing (no run folder, no runs/, no stray file).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "tests/support/image_files.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using nnlab::testing::TempDir;
using ::testing::HasSubstr;

constexpr const char* fashion_mnist_file = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";

struct Case {
    std::string name;      // the file is <name>.toml
    std::string toml;      // its text
    std::string expected;  // a part of the message: "<name>.toml:<line>: <key>: …"
    std::string command = "train";
    bool needs_fashion_mnist = false;
};

std::set<fs::path> files_under(const fs::path& root) {
    std::set<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(root)) files.insert(entry.path());
    return files;
}

// Runs `nnlab <command> <name>.toml --out run` inside a fresh folder (so that a default runs/ would land there).
void expect_refused(const Case& c) {
    SCOPED_TRACE(c.name);
    if (c.needs_fashion_mnist && !fs::exists(fashion_mnist_file)) GTEST_SKIP() << "no Fashion-MNIST";
    TempDir dir;
    dir.write(c.name + ".toml", c.toml);
    const std::set<fs::path> before = files_under(dir.path());
    const std::string out = c.command == "summary" ? "" : " --out run";
    const auto result = nnlab::testing::run_command(NNLAB_BINARY, c.command + " " + c.name + ".toml" + out,
                                                    "cd '" + dir.path().string() + "' &&");
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_THAT(result.output, HasSubstr("nnlab: error: " + c.name + ".toml:"));
    EXPECT_THAT(result.output, HasSubstr(c.expected));
    EXPECT_EQ(files_under(dir.path()), before) << "wrote files before failing";
}

// A small Fashion-MNIST experiment whose [model] layers are `layers` (line 8 on), then `rest`.
std::string fashion(const std::string& layers, const std::string& rest = "") {
    return "name = \"hostile\"\n"           // 1
           "[data]\n"                       // 2
           "dataset = \"fashion_mnist\"\n"  // 3
           "train_samples = 64\n"           // 4
           "test_samples = 32\n"            // 5
           "[model]\n"                      // 6
           "input_shape = [28, 28, 1]\n"    // 7
           "layers = [\n" +                 // 8
           layers +                         // 9…
           "]\n[train]\nverbose = 0\n" +
           rest;
}

const std::string flatten_dense =
    "  { type = \"Flatten\" },\n"                                       // 9
    "  { type = \"Dense\", units = 10, activation = \"softmax\" },\n";  // 10

TEST(HostileInput, SizesTakenOnTrust) {
    for (const Case& c : std::vector<Case>{
             {"units", fashion("  { type = \"Flatten\" },\n  { type = \"Dense\", units = 1000000000000 },\n"),
              "units.toml:10: model.layers[1].units: expected an integer from 1 to 2147483647, found 1000000000000"},
             // Within range, but terabytes: refused with the bytes and the layer, before allocating.
             {"units_memory",
              fashion("  { type = \"Flatten\" },\n  { type = \"Dense\", units = 1000000000 },\n"
                      "  { type = \"Dense\", units = 10 },\n"),
              "units_memory.toml:10: model.layers[1]: the model needs at least"},
             {"filters_memory",
              fashion("  { type = \"Conv2D\", filters = 2000000000, kernel_size = 3 },\n"
                      "  { type = \"BatchNormalization\" },\n"),
              "filters_memory.toml:9: model.layers[0]: the model needs at least"},
             {"depth_multiplier",
              fashion("  { type = \"DepthwiseConv2D\", kernel_size = 3, depth_multiplier = 4611686018427387904 },\n"),
              "depth_multiplier.toml:9: model.layers[0].depth_multiplier: expected an integer from 1 to 2147483647"},
             {"batch_size", fashion(flatten_dense, "batch_size = 100000000000\n"),
              "batch_size.toml:9: model.layers[0]: the model needs at least"},
             {"input_shape", "[model]\ninput_shape = [2147483647, 2147483647, 3]\nlayers = [{ type = \"Flatten\" }]\n",
              "input_shape.toml:2: model.input_shape: shape (2147483647, 2147483647, 3) has more than"},
             {"input_shape_range", "[model]\ninput_shape = [4294967296, 1, 1]\nlayers = [{ type = \"Flatten\" }]\n",
              "input_shape_range.toml:2: model.input_shape: expected sizes from 1 to 2147483647"},
         }) {
        expect_refused(c);
    }
}

TEST(HostileInput, ArithmeticThatOverflowsOrRecurses) {
    std::string dotted = "a";
    for (int i = 0; i < 100000; ++i) dotted += ".a";
    std::string nested_headers;
    for (int i = 1; i <= 100; ++i) {
        std::string key = "a";
        for (int k = 0; k < i; ++k) key += ".a";
        nested_headers += "[" + key + "]\n";
    }
    for (const Case& c : std::vector<Case>{
             {"reshape", fashion("  { type = \"Reshape\", target_shape = [2147483647, 2147483647, 4, -1] },\n"),
              "reshape.toml:9: model.layers[0]: layer reshape (Reshape): shape (2147483647, 2147483647, 4) has more"},
             {"reshape_range", fashion("  { type = \"Reshape\", target_shape = [4611686018427387904, 4, -1] },\n"),
              "reshape_range.toml:9: model.layers[0].target_shape: expected a list of sizes from 1 to 2147483647"},
             {"epochs", fashion(flatten_dense, "epochs = 4294967297\n"),
              "epochs.toml:14: train.epochs: expected a number of epochs > 0 (a fraction ends the last one early), at "
              "most 1,000,000,000, found 4294967297"},
             {"deep_key", dotted + " = 1\n", "deep_key.toml:1: a key nests more than 64 tables deep"},
             {"deep_headers", nested_headers, "deep_headers.toml:65: a key nests more than 64 tables deep"},
             {"deep_array", "a = " + std::string(100000, '[') + std::string(100000, ']') + "\n",
              "deep_array.toml:1:261: not valid TOML"},
         }) {
        expect_refused(c);
    }
}

TEST(HostileInput, NonFiniteAndOutOfRangeValues) {
    for (const Case& c : std::vector<Case>{
             {"validation_split",
              "[data]\ndataset = \"fashion_mnist\"\nvalidation = \"split\"\nvalidation_split = nan\n"
              "[model]\nlayers = [{ type = \"Flatten\" }, { type = \"Dense\", units = 10 }]\n",
              "validation_split.toml:4: data.validation_split: expected a finite number, found nan"},
             {"drop", fashion(flatten_dense, "[schedule]\ntype = \"step_decay\"\ndrop = nan\n"),
              "drop.toml:16: schedule.drop: expected a finite number, found nan"},
             {"learning_rate", fashion(flatten_dense, "[optimizer]\ntype = \"adam\"\nlearning_rate = inf\n"),
              "learning_rate.toml:16: optimizer.learning_rate: expected a number > 0, found inf"},
             {"dropout_rate", fashion("  { type = \"Dropout\", rate = nan },\n" + flatten_dense),
              "dropout_rate.toml:9: model.layers[0].rate: expected a finite number, found nan"},
             {"momentum", fashion("  { type = \"BatchNormalization\", momentum = -inf },\n" + flatten_dense),
              "momentum.toml:9: model.layers[0].momentum: expected a finite number, found -inf"},
         }) {
        expect_refused(c);
    }
    // A seed a config.toml could not hold back is refused on the command line too.
    TempDir dir;
    dir.write("ok.toml", fashion(flatten_dense));
    const auto result =
        nnlab::testing::run_command(NNLAB_BINARY, "train ok.toml --seed -1", "cd '" + dir.path().string() + "' &&");
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.output, HasSubstr("--seed: expected a whole number from 0 to 9223372036854775807, found '-1'"));
}

// Ten thousand unnamed layers are named in linear time, Keras's way.
TEST(HostileInput, ManyUnnamedLayersAreNamedQuickly) {
    TempDir dir;
    std::string layers;
    for (int i = 0; i < 10000; ++i) layers += "{ type = \"Activation\", activation = \"relu\" },\n";
    dir.write("many.toml", "[model]\ninput_shape = [4]\nlayers = [\n" + layers + "]\n");
    const auto result =
        nnlab::testing::run_command(NNLAB_BINARY, "summary many.toml", "cd '" + dir.path().string() + "' &&");
    ASSERT_EQ(result.exit_code, 0) << result.output.substr(0, 400);
    EXPECT_THAT(result.output, HasSubstr("activation_9999 (Activation)"));
}

TEST(HostileInput, ChecksThatUsedToComeAfterWriting) {
    for (const Case& c : std::vector<Case>{
             {"classes", fashion("  { type = \"Flatten\" },\n  { type = \"Dense\", units = 7 },\n"),
              "classes.toml:10: model.layers[1]: the training split of fashion_mnist: the model outputs (None, 7) but "
              "the dataset has 10 classes",
              "train", true},
             {"image_shape",
              "[data]\ndataset = \"fashion_mnist\"\n[model]\ninput_shape = [32, 32, 3]\n"
              "layers = [{ type = \"Flatten\" }, { type = \"Dense\", units = 10 }]\n",
              "image_shape.toml:4: model.input_shape: the training split of fashion_mnist: the model expects images "
              "(32, 32, 3) but the dataset has (28, 28, 1)",
              "train", true},
             {"name", "name = \"../escaped\"\n" + fashion(flatten_dense).substr(17),
              "name.toml:1: name: expected a name for the run folder (no '/', not . or .., at most 128 bytes), found "
              "\"../escaped\""},
             {"callback_file",
              fashion(flatten_dense, "[[callbacks]]\ntype = \"csv_logger\"\nfilename = \"config.toml\"\n"),
              "callback_file.toml:16: callbacks[0].filename: \"config.toml\" is a file the run writes itself"},
             {"callback_escape",
              fashion(flatten_dense,
                      "[[callbacks]]\ntype = \"model_checkpoint\"\nfilepath = \"../../best.safetensors\"\n"),
              "callback_escape.toml:16: callbacks[0].filepath: expected a file name inside the run folder, found "
              "\"../../best.safetensors\", which leads out of it (..)"},
             // A sweep whose second variant's dataset is missing fails before the first trains.
             {"sweep_dataset",
              "[data]\ndataset = \"fashion_mnist\"\ntrain_samples = 64\n[model]\ninput_shape = [28, 28, 1]\n"
              "layers = [{ type = \"Flatten\" }, { type = \"Dense\", units = 10 }]\n[sweep]\n"
              "data.dataset = [\"fashion_mnist\", \"./no_such_folder\"]\n",
              "sweep_dataset.toml:2: data.dataset: unknown dataset './no_such_folder'", "compare", true},
         }) {
        expect_refused(c);
    }
}

TEST(HostileInput, ImageFoldersThatCannotMakeARun) {
    TempDir dir;
    // A flat folder of class folders has no test split for the run's final evaluation.
    nnlab::testing::write_png(dir / "flat" / "cat" / "a.png", 4, 4, 10);
    nnlab::testing::write_png(dir / "flat" / "dog" / "b.png", 4, 4, 200);
    const std::string model = "[model]\nlayers = [{ type = \"Flatten\" }, { type = \"Dense\", units = 2 }]\n";
    dir.write("flat.toml", "[data]\ndataset = \"./flat\"\n" + model);
    // image_size and color_mode are keys of [data] for folders, and give the model its input shape.
    dir.write("sized.toml", "[data]\ndataset = \"./flat\"\nimage_size = [8, 8]\ncolor_mode = \"grayscale\"\n" + model);
    dir.write("cifar_size.toml", "[data]\ndataset = \"cifar10\"\nimage_size = [8, 8]\n" + model);
    fs::create_directories(dir / "empty");
    dir.write("empty.toml", "[data]\ndataset = \"./empty\"\n" + model);
    const std::set<fs::path> before = files_under(dir.path());
    for (const auto& [file, expected] :
         {std::pair{"flat.toml", "flat.toml:2: data.dataset: ./flat has no test split"},
          std::pair{"sized.toml", "sized.toml:2: data.dataset: ./flat has no test split"},
          std::pair{"cifar_size.toml", "cifar_size.toml:3: data.image_size: only for a folder of images"},
          std::pair{"empty.toml", "empty.toml:2: data.dataset: image folder"}}) {
        const auto result = nnlab::testing::run_command(NNLAB_BINARY, std::string("train ") + file + " --out run",
                                                        "cd '" + dir.path().string() + "' &&");
        EXPECT_EQ(result.exit_code, 2) << file << ": " << result.output;
        EXPECT_THAT(result.output, HasSubstr(expected)) << file;
    }
    EXPECT_EQ(files_under(dir.path()), before);
    const auto summary =
        nnlab::testing::run_command(NNLAB_BINARY, "summary sized.toml", "cd '" + dir.path().string() + "' &&");
    EXPECT_EQ(summary.exit_code, 0) << summary.output;
    EXPECT_THAT(summary.output, HasSubstr("(None, 64)"));  // 8 × 8 × 1 flattened
}

TEST(HostileInput, MessagesNameTheirPlace) {
    for (const Case& c : std::vector<Case>{
             {"layer_shape", fashion("  { type = \"Conv2D\", filters = 4, kernel_size = 64 },\n" + flatten_dense),
              "layer_shape.toml:9: model.layers[0]: layer conv2d (Conv2D): the output would be"},
             {"augment", fashion(flatten_dense, "[augment]\nrotation_range = -5\n"),
              "augment.toml:15: augment.rotation_range:"},
             {"crop_padding", fashion(flatten_dense, "[augment]\nrandom_crop_padding = 1000000\n"),
              "crop_padding.toml:15: augment.random_crop_padding: expected an integer in [0, 28] (pixels, at most the "
              "image's smaller side), found 1000000"},
             {"missing_folder", "[data]\ndataset = \"./no_such_folder\"\n[model]\nlayers = [{ type = \"Flatten\" }]\n",
              "missing_folder.toml:2: data.dataset: unknown dataset './no_such_folder'"},
             {"typo", fashion(flatten_dense, "batch = 3\n"),
              "typo.toml:14: train.batch: unknown key; expected one of loss, batch_size, epochs, verbose, shuffle, "
              "metrics, precision, state_every_steps, state_every_minutes, tta_level (did you mean 'batch_size'?)"},
         }) {
        expect_refused(c);
    }
    const auto result = nnlab::testing::run_command(NNLAB_BINARY, "trian x.toml");
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_THAT(result.output, HasSubstr("unknown command 'trian' (did you mean 'train'?); the commands are train, "));
}

// Files that are not what they seem: nothing is read for ever, nothing too large is read whole, and --out must be
// a folder.
TEST(HostileInput, FilesThatAreNotWhatTheySeem) {
    TempDir dir;
    dir.write("ok.toml", fashion(flatten_dense));
    dir.write("sweep.toml", fashion(flatten_dense, "[sweep]\nseed = [1, 2]\n"));
    dir.write("aug.toml", fashion(flatten_dense, "[augment]\nhorizontal_flip = true\n"));
    std::filesystem::resize_file(dir.write("huge.toml", ""), 17 << 20);  // sparse: costs no disk
    dir.write("afile", "not a folder");
    const std::set<fs::path> before = files_under(dir.path());
    for (const auto& [args, expected] :
         {std::pair{"train /dev/zero", "/dev/zero: is not a regular file; expected a TOML file"},
          std::pair{"train .", ".: is a folder; expected a TOML file"},
          std::pair{"train huge.toml", "huge.toml: is 17825792 bytes; expected a TOML file of at most 16777216"},
          std::pair{"train ok.toml --out afile", "--out: afile exists and is not a folder"},
          std::pair{"compare sweep.toml --out afile", "--out: afile exists and is not a folder"},
          std::pair{"evaluate model.safetensors --out afile", "--out: afile exists and is not a folder"},
          std::pair{"augment-preview aug.toml --out .", "--out: . is a folder; expected the PNG file to write"}}) {
        const auto result = nnlab::testing::run_command(NNLAB_BINARY, args, "cd '" + dir.path().string() + "' &&");
        EXPECT_EQ(result.exit_code, 2) << args << ": " << result.output;
        EXPECT_THAT(result.output, HasSubstr(expected)) << args;
    }
    EXPECT_EQ(files_under(dir.path()), before);
    expect_refused(
        {"checkpoint_width",
         fashion(flatten_dense, "[[callbacks]]\ntype = \"model_checkpoint\"\nfilepath = \"m{epoch:99999999999d}\"\n"),
         "checkpoint_width.toml:16: callbacks[0].filepath: field {epoch:99999999999d}: width and precision "
         "go up to 64"});
}

}  // namespace
