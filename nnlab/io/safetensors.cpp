// Safetensors — writing and reading the container of nnlab's model files, every part of a read file checked.
#include "nnlab/io/safetensors.hpp"

#include <algorithm>
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

// Invalid UTF-8 (a class name from a Latin-1 folder) is replaced rather than thrown as a json error.
std::string json_text(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

struct StoredTensor {
    std::string name;
    uint64_t begin = 0, end = 0;
};

std::string read_whole(const SafetensorsFile& file, const std::filesystem::path& path) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!in) file.fail("cannot open the model file: " + std::generic_category().message(errno));
    std::string bytes;
    constexpr size_t chunk = size_t{1} << 20;
    for (;;) {
        const size_t old = bytes.size();
        bytes.resize(old + chunk);
        const size_t n = std::fread(bytes.data() + old, 1, chunk, in.get());
        bytes.resize(old + n);
        if (n < chunk) break;
    }
    if (std::ferror(in.get())) file.fail("cannot read the model file: " + std::generic_category().message(errno));
    return bytes;
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
    bytes_ = read_whole(*this, path_);
    if (bytes_.size() < 8) {
        fail("not a model file: " + std::to_string(bytes_.size()) +
             " bytes, too short for the 8-byte header length that starts a safetensors file");
    }
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= static_cast<uint64_t>(static_cast<unsigned char>(bytes_[i])) << (8 * i);
    if (n > max_header_bytes) {
        fail("header length " + std::to_string(n) +
             " is over the 100 MB limit; the file is corrupt or not a model file");
    }
    if (n > bytes_.size() - 8) {
        fail("header length " + std::to_string(n) + " is larger than the " + std::to_string(bytes_.size() - 8) +
             " bytes after it; the file is truncated or not a model file");
    }
    const std::string_view all(bytes_);
    header_ = parse_json(all.substr(8, n), "the header");
    if (!header_.is_object()) fail("the header is not a JSON object");
    data_ = all.substr(8 + n);
}

void SafetensorsFile::fail(const std::string& problem) const {
    throw Error(path_.string() + ": " + problem);
}

json SafetensorsFile::parse_json(std::string_view text, const std::string& what) const {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
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

std::vector<std::string_view> SafetensorsFile::tensors(const std::vector<ExpectedTensor>& expected) const {
    std::vector<StoredTensor> stored;
    std::vector<std::string> missing;
    for (const ExpectedTensor& e : expected) {
        const auto it = header_.find(e.name);
        if (it == header_.end()) {
            missing.push_back(e.name);
            continue;
        }
        const std::string what = "tensor '" + e.name + "'";
        const json& entry = *it;
        if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
            !entry.contains("data_offsets")) {
            fail(what + ": expected {\"dtype\", \"shape\", \"data_offsets\"}, found " + json_text(entry));
        }
        if (entry["dtype"] != "F32")
            fail(what + ": dtype " + json_text(entry["dtype"]) + "; nnlab model files hold F32 only");
        const Shape found = shape(entry["shape"], what + " shape", 0);
        if (found != e.shape) {
            fail(what + ": shape " + found.to_string() + " in the file, but " + e.owner + " declares " +
                 e.shape.to_string());
        }
        const json& offsets = entry["data_offsets"];
        if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
            !offsets[1].is_number_unsigned()) {
            fail(what + ": data_offsets: expected [begin, end] (non-negative integers), found " + json_text(offsets));
        }
        StoredTensor t{e.name, offsets[0].get<uint64_t>(), offsets[1].get<uint64_t>()};
        const uint64_t needed = f32_bytes(e.shape);
        if (t.end < t.begin || t.end - t.begin != needed) {
            fail(what + ": data_offsets " + json_text(offsets) + " span " +
                 (t.end < t.begin ? "a negative range" : std::to_string(t.end - t.begin) + " bytes") + ", but shape " +
                 found.to_string() + " of F32 takes " + std::to_string(needed));
        }
        stored.push_back(std::move(t));
    }
    auto list = [](const std::vector<std::string>& names) {
        std::string text;
        for (const std::string& n : names) text += (text.empty() ? "'" : ", '") + n + "'";
        return text;
    };
    if (!missing.empty()) fail("missing tensors " + list(missing) + " (the model declares them)");
    std::unordered_set<std::string> known{"__metadata__"};
    for (const StoredTensor& t : stored) known.insert(t.name);
    std::vector<std::string> extra;
    for (const auto& [key, value] : header_.items())
        if (!known.contains(key)) extra.push_back(key);
    if (!extra.empty()) fail("unexpected tensors " + list(extra) + " (the model declares none of them)");

    // The tensors must tile the data section: no overlap, no gap, nothing missing at the end.
    std::vector<StoredTensor> sorted = stored;
    std::ranges::sort(sorted, {}, [](const StoredTensor& t) { return std::pair(t.begin, t.end); });
    uint64_t expected_begin = 0;
    for (size_t i = 0; i < sorted.size(); ++i) {
        const StoredTensor& t = sorted[i];
        auto range = [](const StoredTensor& s) {
            return "'" + s.name + "' [" + std::to_string(s.begin) + ", " + std::to_string(s.end) + ")";
        };
        if (t.begin < expected_begin)
            fail("tensors " + range(sorted[i - 1]) + " and " + range(t) + " overlap in the data section");
        if (t.begin > expected_begin) {
            fail("tensor " + range(t) + " leaves a gap of " + std::to_string(t.begin - expected_begin) +
                 " bytes before it in the data section");
        }
        expected_begin = t.end;
    }
    const uint64_t size = data_.size();
    if (size < expected_begin) {
        fail("truncated: expected " + std::to_string(expected_begin) + " bytes of tensor data, found " +
             std::to_string(size));
    }
    if (size > expected_begin) {
        fail(std::to_string(size - expected_begin) + " bytes after the last tensor; expected " +
             std::to_string(expected_begin) + " bytes of tensor data, found " + std::to_string(size));
    }
    std::vector<std::string_view> views;
    for (const StoredTensor& t : stored) views.push_back(data_.substr(t.begin, t.end - t.begin));
    return views;
}

}  // namespace nnlab
