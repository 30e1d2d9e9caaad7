// Safetensors — the container of nnlab's model files (github.com/huggingface/safetensors): a JSON header naming
// float32 tensors and a string → string metadata map, then the tensors' bytes. Any safetensors reader (Python's
// safetensors.numpy.load_file, …) gets the tensors as named arrays.
#pragma once

//   bytes [0, 8)        N, the length of the header: an unsigned 64-bit integer, little-endian.
//   bytes [8, 8 + N)    the header: a UTF-8 JSON object, padded at the end with spaces (0x20) so
//                       that N is a multiple of 8 and the tensor data starts 8-byte aligned.
//   bytes [8 + N, end)  the data section: each tensor's values as raw little-endian IEEE float32 in
//                       row-major (C) order, one tensor after another with no gaps.
// Every header key but "__metadata__" names a tensor:
//   "dense/kernel": {"dtype": "F32", "shape": [3072, 512], "data_offsets": [begin, end]}
// begin and end are byte offsets from the start of the data section (end exclusive), so
// end - begin = 4 * (product of shape); together the tensors cover the data section exactly.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/core/shape.hpp"

namespace nnlab {

// A tensor to write: its name, shape and values (shape.numel() floats, not owned).
struct NamedTensor {
    std::string name;
    Shape shape;
    const float* values;
};

// The bytes of a file holding `tensors` (F32, in this order) and `metadata` (strings only). Throws nnlab::Error
// naming `where` when two tensors share a name.
std::string encode_safetensors(const std::vector<NamedTensor>& tensors, const nlohmann::json& metadata,
                               const std::string& where);

// A tensor a reader expects: its name, its shape and whose it is, for messages ("layer dense").
struct ExpectedTensor {
    std::string name;
    Shape shape;
    std::string owner;
};

// A safetensors file, its header parsed and checked before the data is read: the header length against the file's
// size and the 100 MB cap, its JSON nesting against max_json_depth, every tensor's dtype, shape and data_offsets
// against each other and the file's size. Only then is the data section read, so a corrupt header costs no more
// memory than the file holds. Every problem is an nnlab::Error "<file>: <problem>".
class SafetensorsFile {
public:
    explicit SafetensorsFile(std::filesystem::path path);

    // __metadata__, checked to map strings to strings; throws naming `what` when the header has none.
    const nlohmann::json& metadata(const std::string& what) const;
    // The bytes of each expected tensor, in their order, once the header has been checked to hold exactly these
    // tensors (F32, of these shapes) and their data to tile the data section.
    std::vector<std::string_view> tensors(const std::vector<ExpectedTensor>& expected) const;

    // Every tensor the header names, in name order, owned by `owner` (for tensors() when the file itself says
    // what it holds).
    std::vector<ExpectedTensor> stored_tensors(const std::string& owner) const;

    // The size of the data section, read and checked.
    uint64_t data_bytes() const { return data_.size(); }

    // Helpers for reading the metadata, with the file's name in every message.
    [[noreturn]] void fail(const std::string& problem) const;
    // JSON nested at most max_json_depth deep: deeper trees would overflow the stack of the recursive code that
    // copies, compares and prints them (nnlab's own files nest a few levels).
    nlohmann::json parse_json(std::string_view text, const std::string& what) const;
    // An array of sizes from `smallest` to 2^40 (a bound that keeps sizes and their products sane).
    Shape shape(const nlohmann::json& value, const std::string& what, uint64_t smallest) const;

    static constexpr int max_json_depth = 64;

private:
    // A tensor of the header, checked against the data section.
    struct StoredTensor {
        Shape shape;
        uint64_t begin = 0, end = 0;
    };

    void check_tensors(uint64_t data_bytes);

    std::filesystem::path path_;
    nlohmann::json header_;
    std::map<std::string, StoredTensor> stored_;  // every header key but __metadata__
    std::string data_;                            // the data section
};

// 4 · numel, saturating instead of overflowing: shapes come from files that may be corrupt.
uint64_t f32_bytes(const Shape& shape);

}  // namespace nnlab
