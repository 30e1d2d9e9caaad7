// Safetensors — writing and reading the container of nnlab's model files, every part of a read file checked.
#include "nnlab/io/safetensors.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>
#include <unordered_set>
#include <utility>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

using json = nlohmann::json;

// Tensor bytes are copied as they lie in memory, which is the file's byte order only here.
static_assert(std::endian::native == std::endian::little, "safetensors files store little-endian float32");

constexpr uint64_t max_header_bytes = 100'000'000;  // safetensors' own limit; larger means corrupt
// A billion float32 parameters, far beyond any model nnlab trains on a CPU: a larger data section is refused
// before it is read, whatever the header says.
constexpr uint64_t max_data_bytes = uint64_t{1} << 32;

// Invalid UTF-8 (a class name from a Latin-1 folder) is replaced rather than thrown as a json error.
std::string json_text(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

// Reads exactly `count` bytes, or fails saying how many the file had.
void read_exactly(const SafetensorsFile& file, std::FILE* in, char* out, size_t count, const std::string& what) {
    const size_t got = std::fread(out, 1, count, in);
    if (std::ferror(in)) file.fail("cannot read the model file: " + std::generic_category().message(errno));
    if (got != count) {
        file.fail("truncated: expected " + std::to_string(count) + " bytes of " + what + ", found " +
                  std::to_string(got) + " (the file changed while it was read?)");
    }
}

}  // namespace

uint64_t f32_bytes(const Shape& shape) {
    uint64_t bytes = sizeof(float);
    for (int64_t d : shape.dims()) {
        const auto size = static_cast<uint64_t>(d);
        if (size != 0 && bytes > UINT64_MAX / size) return UINT64_MAX;
        bytes *= size;
    }
    return bytes;
}

std::string encode_safetensors(const std::vector<NamedTensor>& tensors, const json& metadata,
                               const std::string& where) {
    json header = json::object();
    uint64_t offset = 0;
    for (const NamedTensor& t : tensors) {
        if (header.contains(t.name)) throw Error(where + ": two tensors would both be stored as '" + t.name + "'");
        const uint64_t bytes = static_cast<uint64_t>(t.shape.numel()) * sizeof(float);
        header[t.name] = {{"dtype", "F32"}, {"shape", t.shape.dims()}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    header["__metadata__"] = metadata;
    std::string text = json_text(header);
    text.append((8 - text.size() % 8) % 8, ' ');  // the data section starts 8-byte aligned
    std::string file;
    file.reserve(8 + text.size() + offset);
    for (int i = 0; i < 8; ++i) file.push_back(static_cast<char>((text.size() >> (8 * i)) & 0xff));
    file += text;
    for (const NamedTensor& t : tensors) {
        file.append(reinterpret_cast<const char*>(t.values), static_cast<size_t>(t.shape.numel()) * sizeof(float));
    }
    return file;
}

SafetensorsFile::SafetensorsFile(std::filesystem::path path) : path_(std::move(path)) {
    File in(std::fopen(path_.c_str(), "rb"), &std::fclose);
    if (!in) fail("cannot open the model file: " + std::generic_category().message(errno));
    std::array<char, 8> length{};
    const size_t got = std::fread(length.data(), 1, length.size(), in.get());
    if (std::ferror(in.get())) fail("cannot read the model file: " + std::generic_category().message(errno));
    if (got < length.size()) {
        fail("not a model file: " + std::to_string(got) +
             " bytes, too short for the 8-byte header length that starts a safetensors file");
    }
    struct stat status {};
    if (fstat(fileno(in.get()), &status) != 0 || !S_ISREG(status.st_mode) || status.st_size < 8) {
        fail("cannot read the size of the model file; expected a regular file");
    }
    const auto file_bytes = static_cast<uint64_t>(status.st_size);
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= static_cast<uint64_t>(static_cast<unsigned char>(length[i])) << (8 * i);
    if (n > max_header_bytes) {
        fail("header length " + std::to_string(n) +
             " is over the 100 MB limit; the file is corrupt or not a model file");
    }
    if (n > file_bytes - 8) {
        fail("header length " + std::to_string(n) + " is larger than the " + std::to_string(file_bytes - 8) +
             " bytes after it; the file is truncated or not a model file");
    }
    std::string header(n, '\0');
    read_exactly(*this, in.get(), header.data(), header.size(), "header");
    header_ = parse_json(header, "the header");
    if (!header_.is_object()) fail("the header is not a JSON object");
    const uint64_t data_bytes = file_bytes - 8 - n;
    check_tensors(data_bytes);
    if (data_bytes > max_data_bytes) {
        fail(std::to_string(data_bytes) + " bytes of tensor data, more than the " + std::to_string(max_data_bytes) +
             " (a billion float32 values) nnlab reads; the file is corrupt or not an nnlab model");
    }
    data_.resize(data_bytes);
    read_exactly(*this, in.get(), data_.data(), data_.size(), "tensor data");
}

// Every tensor of the header on its own (F32, a shape, data_offsets spanning its bytes), then all of them tiling
// the data section up to its end; bytes after the last are checked once the names are known, so that a missing
// last tensor is named as such.
void SafetensorsFile::check_tensors(uint64_t data_bytes) {
    for (const auto& [name, entry] : header_.items()) {
        if (name == "__metadata__") continue;
        const std::string what = "tensor '" + name + "'";
        if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
            !entry.contains("data_offsets")) {
            fail(what + ": expected {\"dtype\", \"shape\", \"data_offsets\"}, found " + json_text(entry));
        }
        if (entry["dtype"] != "F32")
            fail(what + ": dtype " + json_text(entry["dtype"]) + "; nnlab model files hold F32 only");
        const Shape found = shape(entry["shape"], what + " shape", 0);
        const json& offsets = entry["data_offsets"];
        if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
            !offsets[1].is_number_unsigned()) {
            fail(what + ": data_offsets: expected [begin, end] (non-negative integers), found " + json_text(offsets));
        }
        StoredTensor t{found, offsets[0].get<uint64_t>(), offsets[1].get<uint64_t>()};
        const uint64_t needed = f32_bytes(found);
        if (t.end < t.begin || t.end - t.begin != needed) {
            fail(what + ": data_offsets " + json_text(offsets) + " span " +
                 (t.end < t.begin ? "a negative range" : std::to_string(t.end - t.begin) + " bytes") + ", but shape " +
                 found.to_string() + " of F32 takes " + std::to_string(needed));
        }
        stored_.emplace(name, std::move(t));
    }
    // They must tile the data section: no overlap, no gap, nothing missing at the end.
    std::vector<std::pair<std::string, StoredTensor>> sorted(stored_.begin(), stored_.end());
    std::ranges::sort(sorted, {}, [](const auto& t) { return std::pair(t.second.begin, t.second.end); });
    const auto range = [](const std::pair<std::string, StoredTensor>& t) {
        return "'" + t.first + "' [" + std::to_string(t.second.begin) + ", " + std::to_string(t.second.end) + ")";
    };
    uint64_t expected_begin = 0;
    for (size_t i = 0; i < sorted.size(); ++i) {
        const StoredTensor& t = sorted[i].second;
        if (t.begin < expected_begin)
            fail("tensors " + range(sorted[i - 1]) + " and " + range(sorted[i]) + " overlap in the data section");
        if (t.begin > expected_begin) {
            fail("tensor " + range(sorted[i]) + " leaves a gap of " + std::to_string(t.begin - expected_begin) +
                 " bytes before it in the data section");
        }
        expected_begin = t.end;
    }
    if (expected_begin > data_bytes) {
        fail("truncated: expected " + std::to_string(expected_begin) + " bytes of tensor data, found " +
             std::to_string(data_bytes));
    }
}

void SafetensorsFile::fail(const std::string& problem) const {
    throw Error(path_.string() + ": " + problem);
}

json SafetensorsFile::parse_json(std::string_view text, const std::string& what) const {
    // The parser itself keeps its own stack; the depth is checked as it goes, before the tree gets deep.
    const json::parser_callback_t bounded_depth = [&](int depth, json::parse_event_t, json&) {
        if (depth > max_json_depth) {
            fail(what + " nests JSON deeper than " + std::to_string(max_json_depth) +
                 " levels; the file is corrupt or not a model file");
        }
        return true;
    };
    try {
        return json::parse(text, bounded_depth);
    } catch (const json::exception& e) {  // a syntax error, or a number too large for a double (1e999)
        fail(what + " is not valid JSON (" + e.what() + ")");
    }
}

Shape SafetensorsFile::shape(const json& value, const std::string& what, uint64_t smallest) const {
    constexpr uint64_t largest = uint64_t{1} << 40;
    const auto valid = [&](const json& d) {
        return d.is_number_unsigned() && d.get<uint64_t>() >= smallest && d.get<uint64_t>() <= largest;
    };
    if (!value.is_array() || !std::ranges::all_of(value, valid)) {
        fail(what + ": expected an array of " + (smallest == 0 ? "non-negative" : "positive") +
             " integer sizes, found " + json_text(value));
    }
    return Shape(value.get<std::vector<int64_t>>());
}

const json& SafetensorsFile::metadata(const std::string& what) const {
    const auto it = header_.find("__metadata__");
    if (it == header_.end() || !it->is_object()) fail("no __metadata__ in the header; " + what);
    for (const auto& [key, value] : it->items()) {
        if (!value.is_string()) fail("__metadata__." + key + ": expected a string, found " + json_text(value));
    }
    return *it;
}

std::vector<ExpectedTensor> SafetensorsFile::stored_tensors(const std::string& owner) const {
    std::vector<ExpectedTensor> tensors;
    for (const auto& [name, tensor] : stored_) tensors.push_back({name, tensor.shape, owner});
    return tensors;
}

std::vector<std::string_view> SafetensorsFile::tensors(const std::vector<ExpectedTensor>& expected) const {
    std::vector<std::string_view> views;
    std::vector<std::string> missing;
    std::unordered_set<std::string> known;
    for (const ExpectedTensor& e : expected) {
        const auto it = stored_.find(e.name);
        if (it == stored_.end()) {
            missing.push_back(e.name);
            continue;
        }
        const StoredTensor& t = it->second;
        if (t.shape != e.shape) {
            fail("tensor '" + e.name + "': shape " + t.shape.to_string() + " in the file, but " + e.owner +
                 " declares " + e.shape.to_string());
        }
        known.insert(e.name);
        views.push_back(std::string_view(data_).substr(t.begin, t.end - t.begin));
    }
    auto list = [](const std::vector<std::string>& names) {
        std::string text;
        for (const std::string& n : names) text += (text.empty() ? "'" : ", '") + n + "'";
        return text;
    };
    if (!missing.empty()) fail("missing tensors " + list(missing) + " (the model declares them)");
    std::vector<std::string> extra;
    for (const auto& [name, tensor] : stored_)
        if (!known.contains(name)) extra.push_back(name);
    if (!extra.empty()) fail("unexpected tensors " + list(extra) + " (the model declares none of them)");

    // Every byte of the data section belongs to one of the expected tensors.
    uint64_t data_end = 0;
    for (const auto& [name, tensor] : stored_) data_end = std::max(data_end, tensor.end);
    if (data_.size() > data_end) {
        fail(std::to_string(data_.size() - data_end) + " bytes after the last tensor; expected " +
             std::to_string(data_end) + " bytes of tensor data, found " + std::to_string(data_.size()));
    }
    return views;
}

}  // namespace nnlab
