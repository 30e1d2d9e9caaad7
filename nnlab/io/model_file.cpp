// Model file — a Sequential's architecture, weights and class names in one safetensors file (Keras: model.save).
#include "nnlab/io/model_file.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <system_error>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/registry.hpp"
#include "nnlab/report/atomic_write.hpp"

namespace nnlab {
namespace {

using json = nlohmann::json;

// Tensor bytes are copied as they lie in memory, which is the file's byte order only here.
static_assert(std::endian::native == std::endian::little, "model files store little-endian float32");

constexpr std::string_view format_name = "nnlab";
constexpr std::string_view format_version = "1";
constexpr uint64_t max_header_bytes = 100'000'000;  // safetensors' own limit; larger means corrupt

// Invalid UTF-8 (a class name from a Latin-1 folder) is replaced rather than thrown as a json error.
std::string json_text(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// ---- writing ----------------------------------------------------------------------------------------

json model_description(const Sequential& model) {
    json layers = json::array();
    for (const auto& layer : model.layers()) layers.push_back(layer_spec(*layer));
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
        metadata["compile"] = json_text({{"loss", model.loss().name()},
                                         {"optimizer", model.optimizer().config()},
                                         {"metrics", model.metrics()},
                                         {"precision", precision_name(model.precision())}});
    }
    return metadata;
}

void check_class_names(const std::string& where, const Shape& output, const std::vector<std::string>& names) {
    if (names.empty() || output.rank() != 2 || output[1] == static_cast<int64_t>(names.size())) return;
    throw Error(where + ": " + std::to_string(names.size()) + " class names for a model that outputs " +
                output.to_string() + "; expected one name per output");
}

}  // namespace

void save_model(const Sequential& model, const std::filesystem::path& path, const ModelMetadata& meta) {
    const std::string where = "save_model " + path.string();
    if (!model.is_built()) throw Error(where + ": model " + model.name() + " is not built; call compile() first");
    check_class_names(where, model.output_shape(), meta.class_names);

    json header = json::object();
    std::vector<const Param*> stored;  // in layer order, the order of the data section
    uint64_t offset = 0;
    for (const auto& layer : model.layers()) {
        for (const Param* p : layer->params()) {
            const std::string name = layer->name() + "/" + p->name;
            if (header.contains(name)) throw Error(where + ": two parameters would both be stored as '" + name + "'");
            const uint64_t bytes = static_cast<uint64_t>(p->shape.numel()) * sizeof(float);
            header[name] = {{"dtype", "F32"}, {"shape", p->shape.dims()}, {"data_offsets", {offset, offset + bytes}}};
            stored.push_back(p);
            offset += bytes;
        }
    }
    header["__metadata__"] = metadata_of(model, meta);

    std::string text = json_text(header);
    text.append((8 - text.size() % 8) % 8, ' ');  // the data section starts 8-byte aligned
    std::string file;
    file.reserve(8 + text.size() + offset);
    for (int i = 0; i < 8; ++i) file.push_back(static_cast<char>((text.size() >> (8 * i)) & 0xff));
    file += text;
    for (const Param* p : stored) {
        file.append(reinterpret_cast<const char*>(p->value.data()),
                    static_cast<size_t>(p->value.numel()) * sizeof(float));
    }
    write_file_atomically(path, file);
}

namespace {

// ---- reading ----------------------------------------------------------------------------------------

// Every problem with a file is reported as "<file>: <problem>".
class FileChecker {
public:
    explicit FileChecker(std::filesystem::path path) : path_(std::move(path)) {}

    [[noreturn]] void fail(const std::string& problem) const { throw Error(path_.string() + ": " + problem); }

    std::string read_all() const {
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path_.c_str(), "rb"), &std::fclose);
        if (!file) fail("cannot open the model file: " + std::generic_category().message(errno));
        std::string bytes;
        constexpr size_t chunk = size_t{1} << 20;
        for (;;) {
            const size_t old = bytes.size();
            bytes.resize(old + chunk);
            const size_t n = std::fread(bytes.data() + old, 1, chunk, file.get());
            bytes.resize(old + n);
            if (n < chunk) break;
        }
        if (std::ferror(file.get())) fail("cannot read the model file: " + std::generic_category().message(errno));
        return bytes;
    }

    json parse(std::string_view text, const std::string& what) const {
        try {
            return json::parse(text);
        } catch (const json::parse_error& e) {
            fail(what + " is not valid JSON (" + e.what() + ")");
        }
    }

    uint64_t unsigned_integer(const json& value, const std::string& what) const {
        if (!value.is_number_unsigned()) fail(what + ": expected a non-negative integer, got " + json_text(value));
        return value.get<uint64_t>();
    }

    // An array of sizes from `smallest` to 2^40 (a bound that keeps sizes and their products sane).
    Shape shape(const json& value, const std::string& what, uint64_t smallest) const {
        constexpr uint64_t largest = uint64_t{1} << 40;
        const auto valid = [&](const json& d) {
            return d.is_number_unsigned() && d.get<uint64_t>() >= smallest && d.get<uint64_t>() <= largest;
        };
        if (!value.is_array() || !std::ranges::all_of(value, valid)) {
            fail(what + ": expected an array of " + (smallest == 0 ? "non-negative" : "positive") +
                 " integer sizes, got " + json_text(value));
        }
        return Shape(value.get<std::vector<int64_t>>());
    }

private:
    std::filesystem::path path_;
};

// 4 · numel, saturating instead of overflowing: shapes come from a file that may be corrupt.
uint64_t f32_bytes(const Shape& shape) {
    uint64_t bytes = sizeof(float);
    for (int64_t d : shape.dims()) {
        const auto size = static_cast<uint64_t>(d);
        if (size != 0 && bytes > UINT64_MAX / size) return UINT64_MAX;
        bytes *= size;
    }
    return bytes;
}

struct StoredTensor {
    std::string name;
    uint64_t begin = 0, end = 0;
};

// The header as the file gives it: the JSON and where the data section starts.
struct RawFile {
    json header;
    std::string_view data;
};

RawFile split_file(const FileChecker& check, const std::string& bytes) {
    if (bytes.size() < 8) {
        check.fail("not a model file: " + std::to_string(bytes.size()) +
                   " bytes, too short for the 8-byte header length that starts a safetensors file");
    }
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
    if (n > max_header_bytes) {
        check.fail("header length " + std::to_string(n) +
                   " is over the 100 MB limit; the file is corrupt or not a model file");
    }
    if (n > bytes.size() - 8) {
        check.fail("header length " + std::to_string(n) + " is larger than the " + std::to_string(bytes.size() - 8) +
                   " bytes after it; the file is truncated or not a model file");
    }
    const std::string_view all(bytes);
    json header = check.parse(all.substr(8, n), "the header");
    if (!header.is_object()) check.fail("the header is not a JSON object");
    return {std::move(header), all.substr(8 + n)};
}

// The string→string map; checks that this is an nnlab file of a version this code reads.
const json& check_metadata(const FileChecker& check, const json& header) {
    const auto it = header.find("__metadata__");
    if (it == header.end() || !it->is_object()) {
        check.fail("no __metadata__ in the header; a safetensors file, but not one nnlab wrote");
    }
    for (const auto& [key, value] : it->items()) {
        if (!value.is_string()) check.fail("__metadata__." + key + ": expected a string, got " + json_text(value));
    }
    if (it->value("format", "") != format_name) {
        check.fail("__metadata__.format is " + (it->contains("format") ? json_text(it->at("format")) : "missing") +
                   "; expected \"nnlab\" (a safetensors file, but not one nnlab wrote)");
    }
    if (!it->contains("format_version")) {
        check.fail("__metadata__.format_version is missing; this nnlab reads format_version \"" +
                   std::string(format_version) + "\"");
    }
    if (it->at("format_version").get<std::string>() != format_version) {
        check.fail("unsupported format_version " + json_text(it->at("format_version")) +
                   "; this nnlab reads format_version \"" + std::string(format_version) + "\"");
    }
    if (!it->contains("model")) check.fail("__metadata__.model is missing; it describes the layers");
    return *it;
}

// Adds the layers the file describes; their parameters are declared but not yet allocated, so a
// corrupt description cannot ask for more memory than the file's data section holds.
std::unique_ptr<Sequential> rebuild_layers(const FileChecker& check, const json& metadata) {
    const json description = check.parse(metadata.at("model").get<std::string>(), "__metadata__.model");
    if (!description.is_object() || !description.contains("layers") || !description["layers"].is_array() ||
        !description.contains("input_shape")) {
        check.fail("__metadata__.model: expected {\"name\", \"input_shape\", \"layers\": [...]}, got " +
                   json_text(description));
    }
    const Shape input = check.shape(description["input_shape"], "__metadata__.model.input_shape", 1);
    if (input.rank() == 0) check.fail("__metadata__.model.input_shape is empty; expected the shape of one sample");
    if (f32_bytes(input) > (uint64_t{1} << 40)) {
        check.fail("__metadata__.model.input_shape " + input.to_string() + " is too large for one sample");
    }
    const json name = description.value("name", json("sequential"));
    if (!name.is_string()) check.fail("__metadata__.model.name: expected a string, got " + json_text(name));
    const json& layers = description["layers"];
    if (layers.empty()) check.fail("__metadata__.model has no layers");
    auto model = std::make_unique<Sequential>(name.get<std::string>());
    model->add(Input{input});
    for (size_t i = 0; i < layers.size(); ++i) {
        try {
            model->add(make_layer(layers[i]));
        } catch (const Error& e) {
            check.fail("__metadata__.model, layer " + std::to_string(i + 1) + ": " + e.what());
        }
    }
    return model;
}

// Reads each tensor's entry and checks it against the parameter the rebuilt layer declares.
std::vector<StoredTensor> check_tensors(const FileChecker& check, const json& header, const Sequential& model) {
    std::vector<StoredTensor> tensors;
    std::vector<std::string> missing;
    for (const auto& layer : model.layers()) {
        for (const Param* p : layer->params()) {
            const std::string name = layer->name() + "/" + p->name;
            const auto it = header.find(name);
            if (it == header.end()) {
                missing.push_back(name);
                continue;
            }
            const std::string what = "tensor '" + name + "'";
            const json& entry = *it;
            if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
                !entry.contains("data_offsets")) {
                check.fail(what + ": expected {\"dtype\", \"shape\", \"data_offsets\"}, got " + json_text(entry));
            }
            if (entry["dtype"] != "F32") {
                check.fail(what + ": dtype " + json_text(entry["dtype"]) + "; nnlab model files hold F32 only");
            }
            const Shape shape = check.shape(entry["shape"], what + " shape", 0);
            if (shape != p->shape) {
                check.fail(what + ": shape " + shape.to_string() + " in the file, but layer " + layer->name() +
                           " declares " + p->shape.to_string());
            }
            const json& offsets = entry["data_offsets"];
            if (!offsets.is_array() || offsets.size() != 2) {
                check.fail(what + ": data_offsets: expected [begin, end], got " + json_text(offsets));
            }
            StoredTensor t{name, check.unsigned_integer(offsets[0], what + " data_offsets"),
                           check.unsigned_integer(offsets[1], what + " data_offsets")};
            const uint64_t needed = f32_bytes(p->shape);
            if (t.end < t.begin || t.end - t.begin != needed) {
                check.fail(what + ": data_offsets " + json_text(offsets) + " span " +
                           (t.end < t.begin ? "a negative range" : std::to_string(t.end - t.begin) + " bytes") +
                           ", but shape " + shape.to_string() + " of F32 takes " + std::to_string(needed));
            }
            tensors.push_back(std::move(t));
        }
    }
    auto list = [](const std::vector<std::string>& names) {
        std::string text;
        for (const std::string& n : names) text += (text.empty() ? "'" : ", '") + n + "'";
        return text;
    };
    if (!missing.empty()) check.fail("missing tensors " + list(missing) + " (the model's layers declare them)");
    std::unordered_set<std::string> known{"__metadata__"};
    for (const StoredTensor& t : tensors) known.insert(t.name);
    std::vector<std::string> extra;
    for (const auto& [key, value] : header.items())
        if (!known.contains(key)) extra.push_back(key);
    if (!extra.empty()) check.fail("unexpected tensors " + list(extra) + " (no layer of the model declares them)");
    return tensors;
}

// The tensors must tile the data section: no overlap, no gap, nothing missing at the end.
void check_layout(const FileChecker& check, std::vector<StoredTensor> tensors, uint64_t data_size) {
    std::ranges::sort(tensors, {}, [](const StoredTensor& t) { return std::pair(t.begin, t.end); });
    uint64_t expected_begin = 0;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const StoredTensor& t = tensors[i];
        auto range = [](const StoredTensor& s) {
            return "'" + s.name + "' [" + std::to_string(s.begin) + ", " + std::to_string(s.end) + ")";
        };
        if (t.begin < expected_begin) {
            check.fail("tensors " + range(tensors[i - 1]) + " and " + range(t) + " overlap in the data section");
        }
        if (t.begin > expected_begin) {
            check.fail("tensor " + range(t) + " leaves a gap of " + std::to_string(t.begin - expected_begin) +
                       " bytes before it in the data section");
        }
        expected_begin = t.end;
    }
    if (data_size < expected_begin) {
        check.fail("truncated: expected " + std::to_string(expected_begin) + " bytes of tensor data, found " +
                   std::to_string(data_size));
    }
    if (data_size > expected_begin) {
        check.fail(std::to_string(data_size - expected_begin) + " bytes after the last tensor; expected " +
                   std::to_string(expected_begin) + " bytes of tensor data, found " + std::to_string(data_size));
    }
}

std::vector<std::string> read_class_names(const FileChecker& check, const json& metadata, const Shape& output) {
    if (!metadata.contains("class_names")) return {};
    const json names = check.parse(metadata["class_names"].get<std::string>(), "__metadata__.class_names");
    const bool all_strings =
        names.is_array() && std::ranges::all_of(names, [](const json& n) { return n.is_string(); });
    if (!all_strings) check.fail("__metadata__.class_names: expected an array of strings, got " + json_text(names));
    auto result = names.get<std::vector<std::string>>();
    try {
        check_class_names("__metadata__.class_names", output, result);
    } catch (const Error& e) {
        check.fail(e.what());
    }
    return result;
}

void compile_as_saved(const FileChecker& check, const json& metadata, Sequential& model) {
    if (!metadata.contains("compile")) return;
    const json settings = check.parse(metadata["compile"].get<std::string>(), "__metadata__.compile");
    if (!settings.is_object() || !settings.contains("loss") || !settings["loss"].is_string() ||
        !settings.contains("optimizer")) {
        check.fail("__metadata__.compile: expected {\"loss\": name, \"optimizer\": {...}}, got " + json_text(settings));
    }
    CompileOptions options{.seed = model.seed()};
    if (settings.contains("metrics")) {  // files written before metrics were stored track accuracy
        const json& metrics = settings["metrics"];
        if (!metrics.is_array() ||
            !std::all_of(metrics.begin(), metrics.end(), [](const json& m) { return m.is_string(); }))
            check.fail("__metadata__.compile.metrics: expected a list of metric names, got " + json_text(metrics));
        options.metrics = metrics.get<std::vector<std::string>>();
    }
    if (settings.contains("precision")) {  // files written before it was stored are float32
        const json& precision = settings["precision"];
        if (!precision.is_string())
            check.fail("__metadata__.compile.precision: expected a string, got " + json_text(precision));
        try {
            options.precision = precision_from_name(precision.get<std::string>());
        } catch (const KeyError& e) {
            check.fail("__metadata__.compile." + std::string(e.what()));  // "precision: expected …"
        }
    }
    try {
        model.compile(make_optimizer(settings["optimizer"]), make_loss(settings["loss"].get<std::string>()), options);
    } catch (const Error& e) {
        check.fail("__metadata__.compile: " + std::string(e.what()));
    }
}

// The run's seed (decimal text); files without one (written before it was stored) get 0.
uint64_t read_seed(const FileChecker& check, const json& metadata) {
    if (!metadata.contains("seed")) return 0;
    const std::string text = metadata.at("seed").get<std::string>();
    uint64_t seed = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seed);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
        check.fail("__metadata__.seed: expected a non-negative integer as text, got " + json_text(text));
    }
    return seed;
}

}  // namespace

LoadedModel load_model(const std::filesystem::path& path) {
    const FileChecker check(path);
    const std::string bytes = check.read_all();
    const RawFile file = split_file(check, bytes);
    const json& metadata = check_metadata(check, file.header);
    LoadedModel loaded{rebuild_layers(check, metadata), {}};
    Sequential& model = *loaded.model;
    const std::vector<StoredTensor> tensors = check_tensors(check, file.header, model);
    check_layout(check, tensors, file.data.size());
    // Every weight is overwritten below; the seed is kept so that training on shuffles like the run did.
    model.build(read_seed(check, metadata));
    const std::vector<Param*> params = model.params();  // in the order check_tensors visited them
    for (size_t i = 0; i < params.size(); ++i) {
        std::memcpy(params[i]->value.data(), file.data.data() + tensors[i].begin, tensors[i].end - tensors[i].begin);
    }
    loaded.metadata.class_names = read_class_names(check, metadata, model.output_shape());
    compile_as_saved(check, metadata, model);
    return loaded;
}

}  // namespace nnlab
