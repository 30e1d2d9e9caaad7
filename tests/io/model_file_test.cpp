// Tests of the model file: a saved model loads back bit for bit, the file is plain safetensors,
// and every kind of damage is refused with a message naming the file and the problem.
#include "nnlab/io/model_file.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "nnlab/core/error.hpp"
#include "nnlab/core/rng.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/layers/registry.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/losses/loss.hpp"
#include "nnlab/optim/optimizer.hpp"
#include "tests/support/seed_model.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::vector<std::string> cifar10_classes{"airplane", "automobile", "bird",  "cat",  "deer",
                                               "dog",      "frog",       "horse", "ship", "truck"};

// The seed MLP of the README: Input (32, 32, 3), Flatten, Dense 512, relu, Dense 256, tanh, Dense 10 softmax.
std::unique_ptr<Sequential> seed_model() {
    auto model = std::make_unique<Sequential>("seed_mlp");
    testing::add_seed_layers(*model);
    model->compile(make_optimizer({{"type", "adam"}}), make_loss("categorical_crossentropy"), {.seed = 7});
    return model;
}

// Small enough that byte offsets can be written out: dense/kernel [0, 48), dense/bias [48, 60),
// dense_1/kernel [60, 84), dense_1/bias [84, 92).
std::unique_ptr<Sequential> small_model() {
    auto model = std::make_unique<Sequential>("small");
    model->add(Input{{4}});
    model->add(Dense(3, "relu"));
    model->add(Dense(2, "softmax"));
    model->compile(make_optimizer({{"type", "sgd"}}), make_loss("categorical_crossentropy"), {.seed = 3});
    return model;
}

Tensor random_tensor(Shape shape, uint64_t seed) {
    Tensor t(std::move(shape));
    Rng rng(seed);
    for (float& v : t.values()) v = static_cast<float>(rng.uniform());
    return t;
}

Tensor one_hot(int64_t rows, int64_t classes, uint64_t seed) {
    Tensor t(Shape{rows, classes});
    Rng rng(seed);
    for (int64_t r = 0; r < rows; ++r) t[r * classes + static_cast<int64_t>(rng.below(classes))] = 1.0f;
    return t;
}

bool same_bits(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), static_cast<size_t>(a.numel()) * sizeof(float)) == 0;
}

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

uint64_t header_length(const std::string& bytes) {
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
    return n;
}

std::string length_field(uint64_t n) {
    std::string field;
    for (int i = 0; i < 8; ++i) field.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
    return field;
}

// The file read the way the safetensors format describes it, independently of the loader.
struct Safetensors {
    uint64_t header_length;
    json header;
    std::string data;
};

Safetensors parse_safetensors(const std::string& bytes) {
    const uint64_t n = header_length(bytes);
    return {n, json::parse(bytes.substr(8, n)), bytes.substr(8 + n)};
}

std::string encode_safetensors(const json& header, const std::string& data) {
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');
    return length_field(text.size()) + text + data;
}

class ModelFile : public ::testing::Test {
protected:
    void save_small_model() { save_model(*small_model(), path_, {{"yes", "no"}}); }

    // Rewrites the saved file's header, keeping its data section.
    void edit_header(const std::function<void(json&)>& edit) const {
        Safetensors file = parse_safetensors(read_bytes(path_));
        edit(file.header);
        write_bytes(path_, encode_safetensors(file.header, file.data));
    }
    void edit_metadata(const std::string& key, const std::function<void(json&)>& edit) const {
        edit_header([&](json& header) {
            json value = json::parse(header["__metadata__"][key].get<std::string>());
            edit(value);
            header["__metadata__"][key] = value.dump();
        });
    }

    // The message load_model throws for path_; fails the test when it loads.
    std::string load_error() const {
        try {
            load_model(path_);
        } catch (const Error& e) {
            return e.what();
        }
        ADD_FAILURE() << "load_model accepted " << path_;
        return "";
    }
    auto names_the_file() const { return StartsWith(path_.string() + ": "); }

    nnlab::testing::TempDir temp_;  // a fresh empty folder per test
    const fs::path& dir_ = temp_.path();
    const fs::path path_ = dir_ / "model.nnlab";
};

TEST_F(ModelFile, SeedModelRoundTripsBitForBit) {
    const auto model = seed_model();
    // One step first, so the biases are no longer zeros and the Adam-updated weights differ from any
    // initialisation the loader could reproduce.
    model->train_step(random_tensor(Shape{16, 32, 32, 3}, 1), one_hot(16, 10, 2));
    const Tensor batch = random_tensor(Shape{5, 32, 32, 3}, 3);
    const Tensor before = model->predict(batch);

    save_model(*model, path_, {cifar10_classes});
    const LoadedModel loaded = load_model(path_);
    Sequential& copy = *loaded.model;

    EXPECT_TRUE(same_bits(copy.predict(batch), before));
    EXPECT_EQ(copy.name(), "seed_mlp");
    EXPECT_EQ(copy.input_shape(), (Shape{Shape::unknown, 32, 32, 3}));
    EXPECT_EQ(copy.output_shape(), (Shape{Shape::unknown, 10}));
    EXPECT_EQ(copy.count_params(), model->count_params());
    EXPECT_EQ(loaded.metadata.class_names, cifar10_classes);
    ASSERT_EQ(copy.layers().size(), model->layers().size());
    for (size_t i = 0; i < copy.layers().size(); ++i)
        EXPECT_EQ(layer_description(*copy.layers()[i]), layer_description(*model->layers()[i]));
    const std::vector<Param*> saved = model->params(), read = copy.params();
    ASSERT_EQ(read.size(), saved.size());
    for (size_t i = 0; i < read.size(); ++i) {
        EXPECT_EQ(read[i]->name, saved[i]->name);
        EXPECT_TRUE(same_bits(read[i]->value, saved[i]->value)) << "parameter " << i;
    }
    ASSERT_TRUE(copy.is_compiled());
    EXPECT_EQ(copy.loss().name(), "categorical_crossentropy");
    EXPECT_EQ(copy.optimizer().config(), model->optimizer().config());
    EXPECT_EQ(copy.optimizer().iterations(), 0);  // the optimizer's state starts fresh
    EXPECT_EQ(copy.seed(), 7u);                   // further training shuffles as the run did
}

TEST_F(ModelFile, LoadedModelKeepsTraining) {
    save_small_model();
    const LoadedModel loaded = load_model(path_);
    const double loss = loaded.model->train_step(random_tensor(Shape{8, 4}, 1), one_hot(8, 2, 2));
    EXPECT_TRUE(std::isfinite(loss));
    EXPECT_EQ(loaded.model->optimizer().iterations(), 1);
}

TEST_F(ModelFile, CompiledMetricsRoundTrip) {
    auto model = std::make_unique<Sequential>("small");
    model->add(Input{{4}});
    model->add(Dense(3, "softmax"));
    model->compile(make_optimizer({{"type", "sgd"}}), make_loss("categorical_crossentropy"),
                   {.seed = 3, .metrics = {"top_2_accuracy", "accuracy"}});
    save_model(*model, path_);
    EXPECT_EQ(load_model(path_).model->metrics(), (std::vector<std::string>{"top_2_accuracy", "accuracy"}));
}

// A bfloat16 model predicts in bfloat16 again after loading (Keras saves each layer's dtype policy), so the
// loaded model gives the very outputs the trained one gave.
TEST_F(ModelFile, PrecisionRoundTrips) {
    if (!bfloat16_supported()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
    auto model = std::make_unique<Sequential>("small");
    model->add(Input{{17}});
    model->add(Dense(9, "tanh"));
    model->add(Dense(3, "softmax"));
    model->compile(make_optimizer({{"type", "sgd"}}), make_loss("categorical_crossentropy"),
                   {.seed = 3, .precision = Precision::bfloat16});
    save_model(*model, path_);
    const LoadedModel loaded = load_model(path_);
    EXPECT_EQ(loaded.model->precision(), Precision::bfloat16);
    const Tensor x = random_tensor(Shape{5, 17}, 4);
    const Tensor expected = model->predict(x);
    const Tensor got = loaded.model->predict(x);
    for (int64_t i = 0; i < expected.numel(); ++i) ASSERT_EQ(got[i], expected[i]) << i;
}

TEST_F(ModelFile, FileWithoutAPrecisionLoadsAsFloat32AndABadOneIsAnError) {
    save_small_model();
    edit_metadata("compile", [](json& compile) { compile.erase("precision"); });
    EXPECT_EQ(load_model(path_).model->precision(), Precision::float32);
    edit_metadata("compile", [](json& compile) { compile["precision"] = "float16"; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("__metadata__.compile.precision: expected "
                                                                "\"float32\", \"bfloat16\" or \"mixed_bfloat16\"")));
}

TEST_F(ModelFile, HeaderIsReadableAsSafetensors) {
    const auto model = seed_model();
    save_model(*model, path_, {cifar10_classes});
    const std::string bytes = read_bytes(path_);
    const Safetensors file = parse_safetensors(bytes);
    EXPECT_EQ(file.header_length % 8, 0u);  // the data section starts 8-byte aligned
    EXPECT_EQ(bytes.size(), 8 + file.header_length + file.data.size());

    const std::vector<std::pair<std::string, std::vector<int64_t>>> expected{
        {"dense/kernel", {3072, 512}}, {"dense/bias", {512}},         {"dense_1/kernel", {512, 256}},
        {"dense_1/bias", {256}},       {"dense_2/kernel", {256, 10}}, {"dense_2/bias", {10}}};
    const std::vector<Param*> params = model->params();
    ASSERT_EQ(params.size(), expected.size());
    ASSERT_EQ(file.header.size(), expected.size() + 1);  // and __metadata__
    uint64_t offset = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
        const auto& [name, shape] = expected[i];
        ASSERT_TRUE(file.header.contains(name)) << name;
        const json& entry = file.header[name];
        EXPECT_EQ(entry["dtype"], "F32") << name;
        EXPECT_EQ(entry["shape"].get<std::vector<int64_t>>(), shape) << name;
        const auto offsets = entry["data_offsets"].get<std::vector<uint64_t>>();
        ASSERT_EQ(offsets.size(), 2u);
        EXPECT_EQ(offsets[0], offset) << name << ": tensors follow each other in layer order";
        EXPECT_EQ(offsets[1] - offsets[0], params[i]->value.numel() * sizeof(float)) << name;
        EXPECT_EQ(std::memcmp(file.data.data() + offsets[0], params[i]->value.data(), offsets[1] - offsets[0]), 0)
            << name;
        offset = offsets[1];
    }
    EXPECT_EQ(offset, file.data.size());

    const json& metadata = file.header["__metadata__"];
    for (const auto& [key, value] : metadata.items()) EXPECT_TRUE(value.is_string()) << key;
    EXPECT_EQ(metadata["format"], "nnlab");
    EXPECT_EQ(metadata["format_version"], "2");
    const json description = json::parse(metadata["model"].get<std::string>());
    EXPECT_EQ(description["name"], "seed_mlp");
    EXPECT_EQ(description["input_shape"], json({32, 32, 3}));
    ASSERT_EQ(description["layers"].size(), 6u);
    EXPECT_EQ(description["layers"][0], json({{"type", "Flatten"}, {"name", "flatten"}}));
    EXPECT_EQ(description["layers"][5],
              json({{"type", "Dense"}, {"name", "dense_2"}, {"units", 10}, {"activation", "softmax"}}));
    const json compile = json::parse(metadata["compile"].get<std::string>());
    EXPECT_EQ(compile["loss"], json({{"type", "categorical_crossentropy"}, {"label_smoothing", 0.0}}));
    EXPECT_EQ(compile["optimizer"]["type"], "adam");
    EXPECT_EQ(json::parse(metadata["class_names"].get<std::string>()), json(cifar10_classes));
}

TEST_F(ModelFile, UncompiledModelLoadsUncompiled) {
    Sequential model("plain");
    model.add(Input{{4}});
    model.add(Dense(2));
    model.build(11);
    save_model(model, path_, {});
    EXPECT_FALSE(parse_safetensors(read_bytes(path_)).header["__metadata__"].contains("compile"));
    const LoadedModel loaded = load_model(path_);
    EXPECT_FALSE(loaded.model->is_compiled());
    EXPECT_TRUE(loaded.metadata.class_names.empty());
    const Tensor x = random_tensor(Shape{3, 4}, 5);
    EXPECT_TRUE(same_bits(loaded.model->predict(x), model.predict(x)));
}

TEST_F(ModelFile, SavingReplacesAnOlderFile) {
    save_model(*seed_model(), path_, {});
    save_small_model();
    EXPECT_EQ(load_model(path_).model->name(), "small");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

TEST_F(ModelFile, SavingAnUnbuiltModelIsAnError) {
    Sequential model("unbuilt");
    model.add(Input{{4}});
    model.add(Dense(2));
    EXPECT_THAT([&] { save_model(model, path_, {}); },
                ::testing::ThrowsMessage<Error>(HasSubstr("model unbuilt is not built")));
    EXPECT_FALSE(fs::exists(path_));
}

TEST_F(ModelFile, ClassNamesMustMatchTheOutputs) {
    EXPECT_THAT(
        [&] {
            save_model(*small_model(), path_, {{"a", "b", "c"}});
        },
        ::testing::ThrowsMessage<Error>(
            HasSubstr("3 class names for a model that outputs (None, 2); expected one name per output")));
}

TEST_F(ModelFile, MissingFileIsAnError) {
    EXPECT_THAT(load_error(),
                AllOf(names_the_file(), HasSubstr("cannot open the model file: No such file or directory")));
}

TEST_F(ModelFile, DirectoryIsAnError) {
    fs::create_directories(path_);
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("cannot read the model file: Is a directory")));
}

TEST_F(ModelFile, FileShorterThanTheLengthFieldIsAnError) {
    write_bytes(path_, "abc");
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("3 bytes, too short for the 8-byte header length")));
}

TEST_F(ModelFile, TruncatedFileIsAnError) {
    save_small_model();
    const std::string bytes = read_bytes(path_);
    write_bytes(path_, bytes.substr(0, bytes.size() - 3));
    EXPECT_THAT(load_error(),
                AllOf(names_the_file(), HasSubstr("truncated: expected 92 bytes of tensor data, found 89")));
}

TEST_F(ModelFile, BytesAfterTheLastTensorAreAnError) {
    save_small_model();
    write_bytes(path_, read_bytes(path_) + "junk");
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("4 bytes after the last tensor")));
}

TEST_F(ModelFile, HeaderLengthLargerThanTheFileIsAnError) {
    save_small_model();
    const std::string bytes = read_bytes(path_);
    write_bytes(path_, length_field(bytes.size()) + bytes.substr(8));
    EXPECT_THAT(load_error(), AllOf(names_the_file(),
                                    HasSubstr("header length " + std::to_string(bytes.size()) + " is larger than the " +
                                              std::to_string(bytes.size() - 8) + " bytes after it")));
}

TEST_F(ModelFile, AbsurdHeaderLengthIsAnError) {
    save_small_model();
    write_bytes(path_, length_field(uint64_t{1} << 40) + read_bytes(path_).substr(8));
    EXPECT_THAT(load_error(),
                AllOf(names_the_file(), HasSubstr("header length 1099511627776 is over the 100 MB limit")));
}

TEST_F(ModelFile, GarbageHeaderIsAnError) {
    save_small_model();
    std::string bytes = read_bytes(path_);
    const std::string garbage = "{\"dense/kernel\": oops";
    bytes.replace(8, garbage.size(), garbage);
    write_bytes(path_, bytes);
    EXPECT_THAT(load_error(),
                AllOf(names_the_file(), HasSubstr("the header is not valid JSON ("), HasSubstr("parse error")));
}

TEST_F(ModelFile, WrongDtypeIsAnError) {
    save_small_model();
    edit_header([](json& header) { header["dense/kernel"]["dtype"] = "F16"; });
    EXPECT_THAT(
        load_error(),
        AllOf(names_the_file(), HasSubstr("tensor 'dense/kernel': dtype \"F16\"; nnlab model files hold F32 only")));
}

TEST_F(ModelFile, WrongShapeIsAnError) {
    save_small_model();
    edit_header([](json& header) { header["dense_1/kernel"]["shape"] = {2, 3}; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("tensor 'dense_1/kernel': shape (2, 3) in the file, "
                                                                "but layer dense_1 declares (3, 2)")));
}

TEST_F(ModelFile, OffsetsThatDoNotMatchTheShapeAreAnError) {
    save_small_model();
    edit_header([](json& header) { header["dense/kernel"]["data_offsets"] = {0, 44}; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("tensor 'dense/kernel': data_offsets [0,44] span 44 "
                                                                "bytes, but shape (4, 3) of F32 takes 48")));
}

TEST_F(ModelFile, MissingTensorIsAnError) {
    save_small_model();
    edit_header([](json& header) { header.erase("dense_1/bias"); });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("missing tensors 'dense_1/bias'")));
}

TEST_F(ModelFile, ExtraTensorIsAnError) {
    save_small_model();
    write_bytes(path_, read_bytes(path_) + std::string(4, '\0'));  // the extra tensor's bytes are there
    edit_header([](json& header) {
        header["dense_9/kernel"] = {{"dtype", "F32"}, {"shape", {1}}, {"data_offsets", {92, 96}}};
    });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("unexpected tensors 'dense_9/kernel'")));
}

TEST_F(ModelFile, OverlappingOffsetsAreAnError) {
    save_small_model();
    edit_header([](json& header) { header["dense/bias"]["data_offsets"] = {0, 12}; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("tensors 'dense/bias' [0, 12) and 'dense/kernel' "
                                                                "[0, 48) overlap in the data section")));
}

TEST_F(ModelFile, GapBetweenTensorsIsAnError) {
    save_small_model();
    edit_header([](json& header) { header["dense_1/bias"]["data_offsets"] = {88, 96}; });
    EXPECT_THAT(load_error(),
                AllOf(names_the_file(), HasSubstr("tensor 'dense_1/bias' [88, 96) leaves a gap of 4 bytes")));
}

TEST_F(ModelFile, UnsupportedFormatVersionIsAnError) {
    save_small_model();
    edit_header([](json& header) { header["__metadata__"]["format_version"] = "3"; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("unsupported format_version \"3\"; this nnlab reads "
                                                                "format_version \"1\" and \"2\"")));
}

TEST_F(ModelFile, SeedThatIsNotAnIntegerIsAnError) {
    save_small_model();
    edit_header([](json& header) { header["__metadata__"]["seed"] = "-4x"; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("__metadata__.seed: expected a non-negative integer")));
}

TEST_F(ModelFile, FileWithoutASeedLoadsWithSeedZero) {
    save_small_model();
    edit_header([](json& header) { header["__metadata__"].erase("seed"); });
    EXPECT_EQ(load_model(path_).model->seed(), 0u);
}

TEST_F(ModelFile, MissingFormatVersionIsAnError) {
    save_small_model();
    edit_header([](json& header) { header["__metadata__"].erase("format_version"); });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("__metadata__.format_version is missing")));
}

TEST_F(ModelFile, SafetensorsFileFromAnotherToolIsAnError) {
    save_small_model();
    edit_header([](json& header) { header.erase("__metadata__"); });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("no __metadata__ in the header")));
    edit_header([](json& header) { header["__metadata__"] = {{"format", "pt"}}; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("__metadata__.format is \"pt\"; expected \"nnlab\"")));
}

TEST_F(ModelFile, BadLayerInTheModelDescriptionIsAnError) {
    save_small_model();
    edit_metadata("model", [](json& model) { model["layers"][1]["units"] = 0; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("__metadata__.model, layer 2: units: expected an "
                                                                "integer from 1 to 2147483647, found 0")));
}

TEST_F(ModelFile, LayerDescriptionThatDisagreesWithTheTensorsIsAnError) {
    save_small_model();
    edit_metadata("model", [](json& model) { model["layers"][1]["units"] = 5; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("tensor 'dense_1/kernel': shape (3, 2) in the file, "
                                                                "but layer dense_1 declares (3, 5)")));
}

TEST_F(ModelFile, GarbageModelDescriptionIsAnError) {
    save_small_model();
    edit_header([](json& header) { header["__metadata__"]["model"] = "{layers"; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("__metadata__.model is not valid JSON (")));
}

TEST_F(ModelFile, ClassNamesThatDoNotMatchTheOutputsAreAnError) {
    save_small_model();
    edit_metadata("class_names", [](json& names) { names.push_back("maybe"); });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("__metadata__.class_names: 3 class names for a model "
                                                                "that outputs (None, 2)")));
}

TEST_F(ModelFile, LayerCountIsCheckedBeforeAnyLayerIsBuilt) {
    save_small_model();
    edit_metadata("model", [](json& model) {
        model["layers"] = json::array();
        for (int i = 0; i < 10'001; ++i) model["layers"].push_back({{"type", "Flatten"}});
    });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("__metadata__.model describes 10001 layers (nested "
                                                                "ones counted); expected at most 10000")));
}

// Found while fuzzing, by reading what the model-file target reaches: a Conv2D of 2^40 filters made (2^20, 2^10,
// 2^40) outputs, and Flatten multiplied them past int64. A layer whose weights outgrow the file's data, or whose
// outputs are no sane sample, stops the rebuild.
TEST_F(ModelFile, LayerSizesAreCheckedAsEachLayerIsAdded) {
    save_small_model();
    edit_metadata("model", [](json& model) {
        model["input_shape"] = {1 << 20, 1 << 10, 1};
        model["layers"] = {{{"type", "Conv2D"}, {"filters", int64_t{1} << 40}, {"kernel_size", 1}},
                           {{"type", "Flatten"}}};
    });
    // Refused by the layer registry's size bound (filters up to 2^31 − 1) before the file's own check is reached.
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("__metadata__.model, layer 1: filters: expected an "
                                                                "integer from 1 to 2147483647, found 1099511627776")));
    save_small_model();
    edit_metadata("model", [](json& model) {
        model["input_shape"] = {1 << 20, 1 << 10, 1};
        model["layers"] = {{{"type", "ZeroPadding2D"}, {"padding", 1 << 20}}, {{"type", "Flatten"}}};
    });
    // Whichever comes first: the sample bound, or the memory check as the layer is added (no machine has 48 TB).
    EXPECT_THAT(load_error(),
                AllOf(names_the_file(), AnyOf(HasSubstr("__metadata__.model, layer 1 (zero_padding2d) outputs "
                                                        "(3145728, 2098176, 1) per sample, more than 4294967296 bytes "
                                                        "of float32"),
                                              HasSubstr("__metadata__.model, layer 1: the model needs at least 48.0 TB "
                                                        "to train at batch size 1"))));
}

TEST_F(ModelFile, SampleShapesAreBoundedBeforeUse) {
    save_small_model();
    edit_metadata("training", [](json& training) { training["image_shape"] = {1 << 20, 1 << 20, 3}; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("__metadata__.training.image_shape (1048576, "
                                                                "1048576, 3) is too large for one sample")));
    save_small_model();
    edit_metadata("training", [](json& training) { training["image_shape"] = {32, 0, 3}; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("__metadata__.training.image_shape: expected an "
                                                                "array of positive integer sizes, found [32,0,3]")));
}

TEST_F(ModelFile, UnknownOptimizerInCompileIsAnError) {
    save_small_model();
    edit_metadata("compile", [](json& compile) { compile["optimizer"]["type"] = "adamax"; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("__metadata__.compile: "), HasSubstr("adamax")));
}

// ---- format version 2: what the model was trained with travels with it ----------------------------------

// A model trained (one step) with featurewise standardisation, ZCA off, label smoothing and a bfloat16-free
// recipe, saved with the metadata a run writes.
struct StandardisedModel {
    std::unique_ptr<Sequential> model;
    Augmenter augmenter;
    ModelMetadata metadata;
};

StandardisedModel standardised_model() {
    auto model = std::make_unique<Sequential>("standardised");
    model->add(Input{{4, 4, 3}});
    model->add(Flatten());
    model->add(Dense(3, "softmax"));
    model->compile(make_optimizer({{"type", "sgd"}}), std::make_unique<CategoricalCrossentropy>(0.2), {.seed = 4});
    Dataset train;
    train.image_shape = Shape{4, 4, 3};
    train.class_names = {"a", "b", "c"};
    Rng rng(9);
    for (int i = 0; i < 12; ++i) {
        for (int p = 0; p < 48; ++p) train.images.push_back(static_cast<uint8_t>(rng.below(256)));
        train.labels.push_back(i % 3);
    }
    Augmenter augmenter(
        AugmentConfig{.horizontal_flip = true, .featurewise_center = true, .featurewise_std_normalization = true},
        train.image_shape);
    augmenter.fit(train);
    model->fit(train, {.batch_size = 4, .epochs = 1, .augmenter = &augmenter});
    ModelMetadata metadata = training_metadata(train, "synthetic", 4, &augmenter);
    return {std::move(model), std::move(augmenter), std::move(metadata)};
}

TEST_F(ModelFile, PreprocessingLossAndTrainingTravelWithTheModel) {
    const StandardisedModel trained = standardised_model();
    save_model(*trained.model, path_, trained.metadata);
    const LoadedModel loaded = load_model(path_);

    // The fitted statistics come back bit for bit, as tensors any safetensors reader sees.
    ASSERT_TRUE(loaded.preprocessing.has_value());
    EXPECT_EQ(loaded.preprocessing->mean(), trained.augmenter.mean());
    EXPECT_EQ(loaded.preprocessing->std(), trained.augmenter.std());
    const json header = parse_safetensors(read_bytes(path_)).header;
    EXPECT_EQ(header["preprocessing/mean"]["shape"], json({3}));
    EXPECT_EQ(header["preprocessing/std"]["shape"], json({3}));
    EXPECT_FALSE(header.contains("preprocessing/zca_matrix"));
    // The image a test pass feeds the model is the one training's standardisation made.
    Tensor before(Shape{48}), after(Shape{48});
    std::vector<uint8_t> image(48);
    for (size_t i = 0; i < image.size(); ++i) image[i] = static_cast<uint8_t>(5 * i);
    trained.augmenter.standardize(image.data(), before.data());
    loaded.preprocessing->standardize(image.data(), after.data());
    EXPECT_TRUE(same_bits(before, after));

    // The loss's settings, the dataset, image shape, batch size, augmentation and version.
    EXPECT_EQ(loss_description(loaded.model->loss()),
              json({{"type", "categorical_crossentropy"}, {"label_smoothing", 0.2}}));
    EXPECT_EQ(loaded.metadata.dataset, "synthetic");
    EXPECT_EQ(loaded.metadata.image_shape, (Shape{4, 4, 3}));
    EXPECT_EQ(loaded.metadata.batch_size, 4);
    ASSERT_TRUE(loaded.metadata.augment.has_value());
    EXPECT_TRUE(loaded.metadata.augment->horizontal_flip);
    EXPECT_EQ(trained_with_horizontal_flips(loaded.metadata), true);
    EXPECT_FALSE(loaded.metadata.nnlab_version.empty());
    EXPECT_EQ(loaded.metadata.class_names, (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(ModelFile, WithoutAugmentationThereIsNoPreprocessingAndNoFlips) {
    save_small_model();
    const LoadedModel loaded = load_model(path_);
    EXPECT_FALSE(loaded.preprocessing.has_value());
    EXPECT_EQ(trained_with_horizontal_flips(loaded.metadata), false);
}

TEST_F(ModelFile, FormatVersion1FilesStillLoad) {
    // What nnlab wrote before version 2: the loss by name, no "training", no preprocessing.
    save_small_model();
    edit_header([](json& header) {
        json& metadata = header["__metadata__"];
        metadata["format_version"] = "1";
        metadata.erase("training");
        json compile = json::parse(metadata["compile"].get<std::string>());
        compile["loss"] = "categorical_crossentropy";
        metadata["compile"] = compile.dump();
    });
    const LoadedModel loaded = load_model(path_);
    EXPECT_EQ(loaded.model->loss().name(), "categorical_crossentropy");
    EXPECT_TRUE(loaded.metadata.dataset.empty());
    EXPECT_EQ(loaded.metadata.batch_size, 0);
    EXPECT_FALSE(trained_with_horizontal_flips(loaded.metadata).has_value());
    EXPECT_FALSE(loaded.preprocessing.has_value());
}

TEST_F(ModelFile, DamagedPreprocessingIsAnError) {
    const StandardisedModel trained = standardised_model();
    save_model(*trained.model, path_, trained.metadata);
    // The statistics the augmentation needs must be there, and of its shape.
    edit_header([](json& header) { header.erase("preprocessing/std"); });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("missing tensors 'preprocessing/std'")));
    save_model(*trained.model, path_, trained.metadata);
    edit_metadata("training", [](json& training) { training["augment"]["zca_whitening"] = true; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("missing tensors 'preprocessing/zca_matrix'")));
    save_model(*trained.model, path_, trained.metadata);
    edit_metadata("training", [](json& training) { training["augment"]["rotation_range"] = -3; });
    EXPECT_THAT(load_error(), AllOf(names_the_file(), HasSubstr("rotation_range: expected a number >= 0, found -3")));
}

}  // namespace
}  // namespace nnlab
