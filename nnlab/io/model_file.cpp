// Model file — a Sequential's architecture, weights and class names in one safetensors file (Keras: model.save).
#include "nnlab/io/model_file.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "nnlab/core/atomic_write.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/version.hpp"
#include "nnlab/data/augment/augment_description.hpp"
#include "nnlab/data/data_source_description.hpp"
#include "nnlab/data/dataset_lookup.hpp"
#include "nnlab/io/safetensors.hpp"
#include "nnlab/layers/registry.hpp"
#include "nnlab/metrics/predicted_classes.hpp"

namespace nnlab {
namespace {

using json = nlohmann::json;

constexpr std::string_view format_name = "nnlab";
constexpr std::string_view format_version = "2";
constexpr std::string_view first_format_version = "1";  // still read: the loss is a name, there is no "training"
// The most one sample may take (float32) before the tensors are checked against the file's data: far above any
// image nnlab trains on (CIFAR's take 12 KB), far below what would exhaust memory.
constexpr uint64_t max_sample_bytes = uint64_t{1} << 32;

// Invalid UTF-8 (a class name from a Latin-1 folder) is replaced rather than thrown as a json error.
std::string json_text(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// ---- writing ----------------------------------------------------------------------------------------

json model_description(const Sequential& model) {
    json layers = json::array();
    for (const auto& layer : model.layers()) layers.push_back(layer_description(*layer));
    return {{"name", model.name()}, {"input_shape", model.input_shape().without_batch().dims()}, {"layers", layers}};
}

json metadata_of(const Sequential& model, const ModelMetadata& meta) {
    json metadata = {{"format", format_name},
                     {"format_version", format_version},
                     {"model", json_text(model_description(model))},
                     {"class_names", json_text(meta.class_names)},
                     {"seed", std::to_string(model.seed())}};
    if (model.is_compiled()) {
        // The precision too, as Keras saves each layer's dtype policy: a bfloat16 model predicts in bfloat16 again.
        metadata["compile"] = json_text({{"loss", loss_description(model.loss())},
                                         {"optimizer", model.optimizer().config()},
                                         {"metrics", model.metrics()},
                                         {"precision", precision_name(model.precision())}});
    }
    json training = {{"dataset", meta.dataset},
                     {"image_shape", meta.image_shape.dims()},
                     {"batch_size", meta.batch_size},
                     {"nnlab_version", version()}};
    if (meta.augment) training["augment"] = augment_description(*meta.augment);
    if (dataset_source_kind(meta.dataset, std::nullopt) == "csv")
        training["data_options"] = data_source_description("csv", meta.csv, {});
    metadata["training"] = json_text(training);
    return metadata;
}

// The preprocessing's statistics as tensors, those of them its standardisation has.
std::vector<NamedTensor> preprocessing_tensors(const FittedStatistics& s, const Shape& image_shape) {
    std::vector<NamedTensor> tensors;
    const int64_t features = image_shape.rank() == 3 ? image_shape.numel() : 0;
    if (!s.mean.empty()) tensors.push_back({"preprocessing/mean", Shape{int64_t(s.mean.size())}, s.mean.data()});
    if (!s.std.empty()) tensors.push_back({"preprocessing/std", Shape{int64_t(s.std.size())}, s.std.data()});
    if (!s.zca.empty()) tensors.push_back({"preprocessing/zca_matrix", Shape{features, features}, s.zca.data()});
    return tensors;
}

// `count` class names (0: none given) for a model of `output` shape (two for a binary classifier's one output).
void check_class_count(const std::string& where, const Shape& output, size_t count) {
    if (count == 0 || output.rank() != 2 || outputs_fit_classes(output[1], static_cast<int64_t>(count))) return;
    throw Error(where + ": " + std::to_string(count) + " class names for a model that outputs " + output.to_string() +
                "; expected one name per output");
}

}  // namespace

ModelMetadata training_metadata(const Dataset& train, const std::string& dataset, int64_t batch_size,
                                const Augmenter* augmenter, const CsvDatasetOptions& csv) {
    ModelMetadata meta{.class_names = train.class_names,
                       .dataset = dataset,
                       .image_shape = train.image_shape,
                       .batch_size = batch_size,
                       .csv = csv};
    if (augmenter != nullptr) {
        meta.augment = augmenter->config();
        meta.statistics = augmenter->statistics();
    }
    return meta;
}

std::optional<bool> trained_with_horizontal_flips(const ModelMetadata& metadata) {
    if (metadata.nnlab_version.empty()) return std::nullopt;  // written before files said how they were trained
    return metadata.augment && (metadata.augment->horizontal_flip || metadata.augment->alternating_flip);
}

void save_model(const Sequential& model, const std::filesystem::path& path, const ModelMetadata& meta) {
    write_file_atomically(path, encode_model(model, meta, "save_model " + path.string()));
}

std::string encode_model(const Sequential& model, const ModelMetadata& meta, const std::string& where) {
    if (!model.is_built()) throw Error(where + ": model " + model.name() + " is not built; call compile() first");
    check_class_count(where, model.output_shape(), meta.class_names.size());
    const Shape image_shape = model.input_shape().without_batch();
    if (meta.augment) {  // the statistics must be what this augmentation fits on these images
        try {
            Augmenter(*meta.augment, image_shape).restore(meta.statistics);
        } catch (const Error& e) {
            throw Error(where + ": " + e.what());
        }
    } else if (!meta.statistics.empty()) {
        throw Error(where + ": fitted statistics without the augmentation that fitted them");
    }

    std::vector<NamedTensor> stored;  // in layer order, then the preprocessing: the order of the data section
    for (const auto& layer : model.layers())
        for (const Param* p : layer->params())
            stored.push_back({layer->name() + "/" + p->name, p->shape, p->value.data()});
    for (const NamedTensor& t : preprocessing_tensors(meta.statistics, image_shape)) stored.push_back(t);
    return encode_safetensors(stored, metadata_of(model, meta), where);
}

namespace {

// ---- reading ----------------------------------------------------------------------------------------

// The string→string map; checks that this is an nnlab file of a version this code reads.
const json& check_metadata(const SafetensorsFile& file) {
    const json* it = &file.metadata("a safetensors file, but not one nnlab wrote");
    if (it->value("format", "") != format_name) {
        file.fail("__metadata__.format is " + (it->contains("format") ? json_text(it->at("format")) : "missing") +
                  "; expected \"nnlab\" (a safetensors file, but not one nnlab wrote)");
    }
    const std::string versions = "this nnlab reads format_version \"" + std::string(first_format_version) +
                                 "\" and \"" + std::string(format_version) + "\"";
    if (!it->contains("format_version")) file.fail("__metadata__.format_version is missing; " + versions);
    const std::string version = it->at("format_version").get<std::string>();
    if (version != format_version && version != first_format_version)
        file.fail("unsupported format_version " + json_text(it->at("format_version")) + "; " + versions);
    if (!it->contains("model")) file.fail("__metadata__.model is missing; it describes the layers");
    return *it;
}

// The shape of one sample ((height, width, channels) for images), each size at least 1, small enough that the
// products of its sizes layers make cannot overflow.
Shape sample_shape(const SafetensorsFile& file, const json& value, const std::string& what) {
    const Shape shape = file.shape(value, what, 1);
    if (shape.rank() == 0) file.fail(what + " is empty; expected the shape of one sample");
    if (f32_bytes(shape) > max_sample_bytes) {
        file.fail(what + " " + shape.to_string() + " is too large for one sample: expected at most " +
                  std::to_string(max_sample_bytes) + " bytes of float32");
    }
    return shape;
}

// A layer just added: its weights must fit in the file's data section, or they cannot be in the file, and what it
// outputs must be a sane sample, so that the next layer's arithmetic on that shape cannot overflow.
void check_sizes(const SafetensorsFile& file, Layer& layer, const Shape& output, const std::string& where) {
    for (const Param* p : layer.params()) {
        if (f32_bytes(p->shape) > file.data_bytes()) {
            file.fail(where + " (" + layer.name() + "): its " + p->name + " " + p->shape.to_string() + " takes " +
                      std::to_string(f32_bytes(p->shape)) + " bytes, more than the file's " +
                      std::to_string(file.data_bytes()) + " bytes of tensor data");
        }
    }
    if (f32_bytes(output) > max_sample_bytes) {
        file.fail(where + " (" + layer.name() + ") outputs " + output.to_string() + " per sample, more than " +
                  std::to_string(max_sample_bytes) + " bytes of float32");
    }
}

// Adds the layers the file describes; their parameters are declared but not yet allocated, so a
// corrupt description cannot ask for more memory than the file's data section holds.
std::unique_ptr<Sequential> rebuild_layers(const SafetensorsFile& file, const json& metadata) {
    const json description = file.parse_json(metadata.at("model").get<std::string>(), "__metadata__.model");
    if (!description.is_object() || !description.contains("layers") || !description["layers"].is_array() ||
        !description.contains("input_shape")) {
        file.fail("__metadata__.model: expected {\"name\", \"input_shape\", \"layers\": [...]}, found " +
                  json_text(description));
    }
    const Shape input = sample_shape(file, description["input_shape"], "__metadata__.model.input_shape");
    const json name = description.value("name", json("sequential"));
    if (!name.is_string()) file.fail("__metadata__.model.name: expected a string, found " + json_text(name));
    const json& layers = description["layers"];
    if (layers.empty()) file.fail("__metadata__.model has no layers");
    // An upper bound on the layers it would build, known before any is built (depth is bounded by parse_json).
    if (const size_t tables = count_layer_tables(layers); tables > max_model_layers) {
        file.fail("__metadata__.model describes " + std::to_string(tables) + " layers (nested ones counted); " +
                  "expected at most " + std::to_string(max_model_layers));
    }
    auto model = std::make_unique<Sequential>(name.get<std::string>());
    model->add(Input{input});
    for (size_t i = 0; i < layers.size(); ++i) {
        const std::string where = "__metadata__.model, layer " + std::to_string(i + 1);
        try {
            model->add(make_layer(layers[i]));
        } catch (const Error& e) {
            file.fail(where + ": " + e.what());
        }
        check_sizes(file, *model->layers().back(), model->output_shape().without_batch(), where);
    }
    return model;
}

// The model's parameters, in layer order, then the preprocessing's statistics.
std::vector<ExpectedTensor> expected_tensors(const Sequential& model, const std::optional<AugmentConfig>& augment) {
    std::vector<ExpectedTensor> expected;
    for (const auto& layer : model.layers())
        for (const Param* p : layer->params())
            expected.push_back({layer->name() + "/" + p->name, p->shape, "layer " + layer->name()});
    if (augment && augment->needs_fit()) {
        const Shape image = model.input_shape().without_batch();
        const int64_t channels = image[image.rank() - 1], features = image.numel();
        expected.push_back({"preprocessing/mean", Shape{channels}, "the preprocessing"});
        Augmenter probe(*augment, image);  // Keras's overrides decide which statistics there are
        if (probe.config().featurewise_std_normalization)
            expected.push_back({"preprocessing/std", Shape{channels}, "the preprocessing"});
        if (probe.config().zca_whitening)
            expected.push_back({"preprocessing/zca_matrix", Shape{features, features}, "the preprocessing"});
    }
    return expected;
}

std::vector<std::string> read_class_names(const SafetensorsFile& file, const json& metadata, const Shape& output) {
    if (!metadata.contains("class_names")) return {};
    const json names = file.parse_json(metadata["class_names"].get<std::string>(), "__metadata__.class_names");
    const bool all_strings =
        names.is_array() && std::ranges::all_of(names, [](const json& n) { return n.is_string(); });
    if (!all_strings) file.fail("__metadata__.class_names: expected an array of strings, found " + json_text(names));
    try {
        check_class_count("__metadata__.class_names", output, names.size());  // before they are copied
    } catch (const Error& e) {
        file.fail(e.what());
    }
    return names.get<std::vector<std::string>>();
}

void compile_as_saved(const SafetensorsFile& file, const json& metadata, Sequential& model) {
    if (!metadata.contains("compile")) return;
    const json settings = file.parse_json(metadata["compile"].get<std::string>(), "__metadata__.compile");
    if (!settings.is_object() || !settings.contains("loss") || !settings.contains("optimizer")) {
        file.fail("__metadata__.compile: expected {\"loss\": {...}, \"optimizer\": {...}}, found " +
                  json_text(settings));
    }
    CompileOptions options{.seed = model.seed()};
    if (settings.contains("metrics")) {  // files written before metrics were stored track accuracy
        const json& metrics = settings["metrics"];
        if (!metrics.is_array() ||
            !std::all_of(metrics.begin(), metrics.end(), [](const json& m) { return m.is_string(); }))
            file.fail("__metadata__.compile.metrics: expected a list of metric names, found " + json_text(metrics));
        options.metrics = metrics.get<std::vector<std::string>>();
    }
    if (settings.contains("precision")) {  // files written before it was stored are float32
        const json& precision = settings["precision"];
        if (!precision.is_string())
            file.fail("__metadata__.compile.precision: expected a string, found " + json_text(precision));
        try {
            options.precision = precision_from_name(precision.get<std::string>());
        } catch (const KeyError& e) {
            file.fail("__metadata__.compile." + std::string(e.what()));  // "precision: expected …"
        }
    }
    try {
        model.compile(optimizer_from(config::Reader(settings["optimizer"], "optimizer")),
                      loss_from(config::Reader(settings["loss"], "loss")), options);
    } catch (const Error& e) {
        file.fail("__metadata__.compile: " + std::string(e.what()));
    }
}

// The run's seed (decimal text); files without one (written before it was stored) get 0.
uint64_t read_seed(const SafetensorsFile& file, const json& metadata) {
    if (!metadata.contains("seed")) return 0;
    const std::string text = metadata.at("seed").get<std::string>();
    uint64_t seed = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seed);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        file.fail("__metadata__.seed: expected a non-negative integer as text, found " + json_text(text));
    }
    return seed;
}

// How the model was trained ("training", version 2); nothing for version 1 files.
void read_training(const SafetensorsFile& file, const json& metadata, const Shape& image_shape, ModelMetadata& meta) {
    if (!metadata.contains("training")) return;
    const json training = file.parse_json(metadata["training"].get<std::string>(), "__metadata__.training");
    if (!training.is_object()) file.fail("__metadata__.training: expected a JSON object, found " + json_text(training));
    try {
        const config::Reader reader(training, "__metadata__.training");
        meta.dataset = reader.string("dataset").value_or("");
        meta.batch_size = reader.integer("batch_size", 0, int64_t{1} << 40).value_or(0);
        meta.nnlab_version = reader.string("nnlab_version").value_or("");
        // Empty when the model was saved without training metadata.
        const auto shape = reader.child("image_shape");
        if (shape && !(shape->value().is_array() && shape->value().empty()))
            meta.image_shape = sample_shape(file, shape->value(), "__metadata__.training.image_shape");
        if (const auto augment = reader.table("augment")) {
            meta.augment = augment_config_from(*augment);
            Augmenter(*meta.augment, image_shape);  // its ranges, for this model's images
        }
        if (const auto options = reader.table("data_options")) {
            options->reject_unknown({"label_column", "header", "skip_rows", "test_file", "test_split", "split_seed"});
            std::vector<std::string> names;
            read_data_source_keys(*options, "csv", meta.dataset, meta.csv, names);
        }
    } catch (const Error& e) {
        file.fail(e.what());
    }
}

std::vector<float> values_of(std::string_view bytes) {
    std::vector<float> values(bytes.size() / sizeof(float));
    std::memcpy(values.data(), bytes.data(), bytes.size());
    return values;
}

}  // namespace

LoadedModel load_model(const std::filesystem::path& path) {
    const SafetensorsFile file(path);
    const json& metadata = check_metadata(file);
    LoadedModel loaded{rebuild_layers(file, metadata), {}, std::nullopt};
    Sequential& model = *loaded.model;
    const Shape image_shape = model.input_shape().without_batch();
    read_training(file, metadata, image_shape, loaded.metadata);
    const std::vector<ExpectedTensor> expected = expected_tensors(model, loaded.metadata.augment);
    const std::vector<std::string_view> tensors = file.tensors(expected);
    // Every weight is overwritten below; the seed is kept so that training on shuffles like the run did.
    model.build(read_seed(file, metadata));
    const std::vector<Param*> params = model.params();  // in the order expected_tensors listed them
    for (size_t i = 0; i < params.size(); ++i)
        std::memcpy(params[i]->value.data(), tensors[i].data(), tensors[i].size());
    FittedStatistics& statistics = loaded.metadata.statistics;
    for (size_t i = params.size(); i < tensors.size(); ++i) {
        const std::string& name = expected[i].name;
        (name == "preprocessing/mean"  ? statistics.mean
         : name == "preprocessing/std" ? statistics.std
                                       : statistics.zca) = values_of(tensors[i]);
    }
    if (loaded.metadata.augment) {
        loaded.preprocessing.emplace(*loaded.metadata.augment, image_shape);
        try {
            loaded.preprocessing->restore(statistics);
        } catch (const Error& e) {
            file.fail(e.what());
        }
        const AugmentConfig& c = loaded.preprocessing->config();
        if (!c.needs_fit() && !c.samplewise_center && !c.samplewise_std_normalization) loaded.preprocessing.reset();
    }
    loaded.metadata.class_names = read_class_names(file, metadata, model.output_shape());
    compile_as_saved(file, metadata, model);
    return loaded;
}

void load_weights(Sequential& model, const std::filesystem::path& path) {
    if (!model.is_built()) throw Error("load_weights: model " + model.name() + " is not built; compile it first");
    const LoadedModel source = load_model(path);
    std::vector<std::pair<std::string, Param*>> from, to;
    for (const auto& layer : source.model->layers())
        for (Param* p : layer->params()) from.push_back({layer->name() + "/" + p->name, p});
    for (const auto& layer : model.layers())
        for (Param* p : layer->params()) to.push_back({layer->name() + "/" + p->name, p});
    for (size_t i = 0; i < std::min(from.size(), to.size()); ++i) {
        if (from[i].second->shape != to[i].second->shape) {
            throw Error(path.string() + ": weight " + std::to_string(i + 1) + " is " + from[i].first + " " +
                        from[i].second->shape.to_string() + ", but the model's is " + to[i].first + " " +
                        to[i].second->shape.to_string() + "; the model file holds another architecture");
        }
    }
    if (from.size() != to.size()) {
        throw Error(path.string() + ": holds " + std::to_string(from.size()) + " weights, but the model has " +
                    std::to_string(to.size()) + "; the model file holds another architecture");
    }
    for (size_t i = 0; i < to.size(); ++i) {
        const Tensor& value = from[i].second->value;
        std::copy_n(value.data(), value.numel(), to[i].second->value.data());
    }
}

}  // namespace nnlab
