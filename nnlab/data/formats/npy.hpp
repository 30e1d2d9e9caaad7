// NumPy's .npy files (numpy.lib.format, versions 1.0–3.0): the arrays a Python user saves with np.save, as
// keras.datasets returns them (.npz archives of them: npz.hpp). Little or big endian, C or Fortran order; bool, signed
// and unsigned integers of 1–8 bytes, float16/32/64. Structured and object arrays are refused.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nnlab {

// The element kinds an .npy header may name ('b', 'i', 'u', 'f' of numpy's type strings).
enum class NpyKind { boolean, signed_integer, unsigned_integer, floating };

// The largest array nnlab reads (16 GiB): a header claiming more is refused before anything is allocated.
constexpr uint64_t max_npy_bytes = uint64_t{1} << 34;

// One array, its elements in C (row-major) order and this machine's byte order whatever the file held.
struct NpyArray {
    NpyKind kind = NpyKind::floating;
    int item_bytes = 4;
    std::vector<int64_t> shape;  // () for a scalar
    std::vector<uint8_t> data;   // numel() × item_bytes

    int64_t numel() const;
    // numpy's type string in this machine's order: "<f4", "|u1", …
    std::string dtype() const;
    // Element i as a double (exact for every kind but 64-bit integers beyond 2^53).
    double value(int64_t i) const;
    // Element i as an integer; false when it is a float that is not a whole number (or out of int64's range).
    bool integer_value(int64_t i, int64_t& out) const;
};

// A shape as numpy prints it: "(50,000, 32, 32, 3)", "(3,)".
std::string npy_shape_text(const std::vector<int64_t>& shape);

// The array in the bytes of an .npy file. `what` names the file in messages. Throws nnlab::Error naming it and
// what was expected and found: a bad magic string, version or header, an unsupported dtype, a shape whose size
// overflows or exceeds max_npy_bytes, or data shorter or longer than the shape says.
NpyArray parse_npy(std::span<const uint8_t> bytes, const std::string& what);

// An .npy file; its length is checked against the header's shape before the data is read.
NpyArray read_npy_file(const std::filesystem::path& path);

// What an .npy header says about the file: the array's shape, its element size and the file's whole length.
struct NpyLayout {
    std::vector<int64_t> shape;
    int item_bytes = 0;
    uint64_t file_bytes = 0;  // header and data
};
// The layout from the first bytes of an .npy file or stream: nullopt while `prefix` does not yet hold the whole
// header; throws as parse_npy does for a bad header or a shape past max_npy_bytes.
std::optional<NpyLayout> read_npy_layout(std::span<const uint8_t> prefix, const std::string& what);

}  // namespace nnlab
