// NumPy's .npy format (numpy.lib.format): a magic string, a version, a Python dict literal header, then the data.
#include "nnlab/data/formats/npy.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <system_error>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"

namespace nnlab {
namespace {

constexpr uint8_t magic[] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
// numpy itself refuses headers past 10,000 bytes unless told otherwise; this leaves room and bounds what is read.
constexpr uint64_t max_header_bytes = 1 << 20;
constexpr int max_rank = 32;  // numpy's NPY_MAXDIMS

struct NpyHeader {
    NpyKind kind = NpyKind::floating;
    int item_bytes = 0;
    bool big_endian = false;
    bool fortran_order = false;
    std::vector<int64_t> shape;
    uint64_t data_offset = 0;
    uint64_t data_bytes = 0;
};

// The dict literal numpy writes: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
class HeaderParser {
public:
    HeaderParser(std::string_view text, const std::string& what) : text_(text), what_(what) {}

    NpyHeader parse() {
        NpyHeader header;
        bool has_descr = false, has_order = false, has_shape = false;
        expect('{');
        while (true) {
            skip_space();
            if (peek() == '}') {
                ++at_;
                break;
            }
            const std::string key = string_literal();
            expect(':');
            if (key == "descr") {
                skip_space();
                if (peek() == '[')
                    fail("structured arrays (a list of fields as descr) are not supported; save plain arrays");
                read_descr(string_literal(), header);
                has_descr = true;
            } else if (key == "fortran_order") {
                header.fortran_order = boolean();
                has_order = true;
            } else if (key == "shape") {
                header.shape = shape();
                has_shape = true;
            } else {
                fail("unknown key '" + key + "'; expected descr, fortran_order and shape");
            }
            skip_space();
            if (peek() == ',') ++at_;
        }
        if (!has_descr || !has_order || !has_shape) fail("expected the keys descr, fortran_order and shape");
        return header;
    }

private:
    [[noreturn]] void fail(const std::string& message) const {
        throw Error(what_ + ": not a NumPy .npy header (" + message + ")");
    }
    char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }
    void skip_space() {
        while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n')) ++at_;
    }
    void expect(char c) {
        skip_space();
        if (peek() != c) fail(std::string("expected '") + c + "' at byte " + std::to_string(at_));
        ++at_;
    }
    std::string string_literal() {
        skip_space();
        const char quote = peek();
        if (quote != '\'' && quote != '"') fail("expected a quoted string at byte " + std::to_string(at_));
        const size_t end = text_.find(quote, at_ + 1);
        if (end == std::string_view::npos) fail("a string is not closed");
        std::string value(text_.substr(at_ + 1, end - at_ - 1));
        at_ = end + 1;
        return value;
    }
    bool boolean() {
        skip_space();
        for (const auto& [word, value] :
             {std::pair{std::string_view("True"), true}, std::pair{std::string_view("False"), false}}) {
            if (text_.substr(at_, word.size()) == word) {
                at_ += word.size();
                return value;
            }
        }
        fail("expected True or False for fortran_order");
    }
    std::vector<int64_t> shape() {
        expect('(');
        std::vector<int64_t> dims;
        while (true) {
            skip_space();
            if (peek() == ')') {
                ++at_;
                return dims;
            }
            if (peek() < '0' || peek() > '9') fail("expected a dimension (a whole number) in shape");
            int64_t d = 0;
            while (peek() >= '0' && peek() <= '9') {
                if (d > (std::numeric_limits<int64_t>::max() - 9) / 10) fail("a dimension of shape is too large");
                d = d * 10 + (peek() - '0');
                ++at_;
            }
            if (peek() == 'L') ++at_;  // Python 2's long
            dims.push_back(d);
            if (dims.size() > static_cast<size_t>(max_rank)) fail("more than 32 dimensions");
            skip_space();
            if (peek() == ',') {
                ++at_;
            } else if (peek() != ')') {
                fail("expected ',' or ')' in shape");
            }
        }
    }
    void read_descr(const std::string& descr, NpyHeader& header) const {
        const std::string supported = "bool (|b1), int8–64, uint8–64, float16/32/64";
        if (descr.size() < 3) fail("dtype '" + descr + "'; supported: " + supported);
        const char order = descr[0];
        const char kind = descr[1];
        const std::string size = descr.substr(2);
        if (order != '<' && order != '>' && order != '|' && order != '=')
            fail("dtype '" + descr + "' has no byte order; supported: " + supported);
        int bytes = 0;
        if (size == "1" || size == "2" || size == "4" || size == "8") bytes = size[0] - '0';
        const bool ok =
            (kind == 'b' && bytes == 1) || ((kind == 'i' || kind == 'u') && bytes > 0) || (kind == 'f' && bytes >= 2);
        if (!ok) fail("unsupported dtype '" + descr + "'; supported: " + supported);
        header.kind = kind == 'b'   ? NpyKind::boolean
                      : kind == 'i' ? NpyKind::signed_integer
                      : kind == 'u' ? NpyKind::unsigned_integer
                                    : NpyKind::floating;
        header.item_bytes = bytes;
        header.big_endian = order == '>' || (order == '=' && std::endian::native == std::endian::big);
    }

    std::string_view text_;
    const std::string& what_;
    size_t at_ = 0;
};

uint64_t little_endian(const uint8_t* bytes, int count) {
    uint64_t value = 0;
    for (int i = count - 1; i >= 0; --i) value = (value << 8) | bytes[i];
    return value;
}

// The header, or nullopt when `bytes` does not hold all of it yet (a stream still being read).
std::optional<NpyHeader> read_header(std::span<const uint8_t> bytes, const std::string& what) {
    if (bytes.size() < 8) return std::nullopt;
    if (!std::equal(std::begin(magic), std::end(magic), bytes.begin()))
        throw Error(what + ": not a NumPy .npy file (it does not start with \\x93NUMPY)");
    const int major = bytes[6];
    if (major < 1 || major > 3) {
        throw Error(what + ": .npy format version " + std::to_string(major) + "." + std::to_string(bytes[7]) +
                    " is not supported; expected 1.0, 2.0 or 3.0");
    }
    const int length_bytes = major == 1 ? 2 : 4;
    if (bytes.size() < static_cast<size_t>(8 + length_bytes)) return std::nullopt;
    const uint64_t header_bytes = little_endian(bytes.data() + 8, length_bytes);
    if (header_bytes > max_header_bytes) {
        throw Error(what + ": its .npy header claims " + with_thousands(static_cast<int64_t>(header_bytes)) +
                    " bytes; expected at most " + with_thousands(static_cast<int64_t>(max_header_bytes)));
    }
    const uint64_t offset = 8 + static_cast<uint64_t>(length_bytes) + header_bytes;
    if (bytes.size() < offset) return std::nullopt;
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()) + 8 + length_bytes, header_bytes);
    NpyHeader header = HeaderParser(text, what).parse();
    header.data_offset = offset;
    uint64_t count = 1;
    for (int64_t d : header.shape) {
        const uint64_t dim = static_cast<uint64_t>(d);
        if (dim != 0 && count > max_npy_bytes / dim) {
            throw Error(what + ": shape " + npy_shape_text(header.shape) + " holds more than " +
                        with_thousands(static_cast<int64_t>(max_npy_bytes)) + " bytes, the most nnlab reads");
        }
        count *= dim;
    }
    header.data_bytes = count * static_cast<uint64_t>(header.item_bytes);
    if (header.data_bytes > max_npy_bytes) {
        throw Error(what + ": shape " + npy_shape_text(header.shape) + " holds more than " +
                    with_thousands(static_cast<int64_t>(max_npy_bytes)) + " bytes, the most nnlab reads");
    }
    return header;
}

// The data in C order and native byte order.
NpyArray array_from(const NpyHeader& header, std::span<const uint8_t> data) {
    NpyArray array;
    array.kind = header.kind;
    array.item_bytes = header.item_bytes;
    array.shape = header.shape;
    array.data.assign(data.begin(), data.end());
    const size_t item = static_cast<size_t>(header.item_bytes);
    if (header.big_endian != (std::endian::native == std::endian::big) && item > 1) {
        for (size_t at = 0; at < array.data.size(); at += item)
            std::reverse(array.data.begin() + static_cast<ptrdiff_t>(at),
                         array.data.begin() + static_cast<ptrdiff_t>(at + item));
    }
    if (header.fortran_order && array.shape.size() > 1 && array.numel() > 0) {
        // Element (i0, …, ik) sits at Σ ij · stride_j with stride_0 = 1; walk the C order and gather.
        const size_t rank = array.shape.size();
        std::vector<int64_t> fortran_stride(rank, 1);
        for (size_t j = 1; j < rank; ++j) fortran_stride[j] = fortran_stride[j - 1] * array.shape[j - 1];
        std::vector<uint8_t> ordered(array.data.size());
        std::vector<int64_t> index(rank, 0);
        int64_t source = 0;
        for (int64_t i = 0; i < array.numel(); ++i) {
            std::memcpy(ordered.data() + static_cast<size_t>(i) * item,
                        array.data.data() + static_cast<size_t>(source) * item, item);
            for (size_t j = rank; j-- > 0;) {  // the next C-order index, the Fortran offset along with it
                ++index[j];
                source += fortran_stride[j];
                if (index[j] < array.shape[j]) break;
                source -= fortran_stride[j] * index[j];
                index[j] = 0;
            }
        }
        array.data = std::move(ordered);
    }
    return array;
}

float half_to_float(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h >> 15) << 31;
    const int exponent = (h >> 10) & 0x1f;
    const uint32_t mantissa = h & 0x3ff;
    if (exponent == 0) {  // zero or subnormal: mantissa · 2^-24
        const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
        return sign ? -magnitude : magnitude;
    }
    const uint32_t bits = exponent == 31 ? sign | 0x7f800000u | (mantissa << 13)
                                         : sign | (static_cast<uint32_t>(exponent - 15 + 127) << 23) | (mantissa << 13);
    return std::bit_cast<float>(bits);
}

}  // namespace

std::string npy_shape_text(const std::vector<int64_t>& shape) {
    std::string text = "(";
    for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + with_thousands(shape[i]);
    return text + (shape.size() == 1 ? ",)" : ")");
}

int64_t NpyArray::numel() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

std::string NpyArray::dtype() const {
    const char kinds[] = {'b', 'i', 'u', 'f'};
    const char order = item_bytes == 1 ? '|' : (std::endian::native == std::endian::little ? '<' : '>');
    return std::string{order, kinds[static_cast<int>(kind)]} + std::to_string(item_bytes);
}

double NpyArray::value(int64_t i) const {
    const uint8_t* p = data.data() + static_cast<size_t>(i) * static_cast<size_t>(item_bytes);
    auto load = [p]<typename T>(T) {
        T v;
        std::memcpy(&v, p, sizeof(T));
        return static_cast<double>(v);
    };
    switch (kind) {
        case NpyKind::boolean:
            return p[0] != 0 ? 1.0 : 0.0;
        case NpyKind::signed_integer:
            return item_bytes == 1   ? load(int8_t{})
                   : item_bytes == 2 ? load(int16_t{})
                   : item_bytes == 4 ? load(int32_t{})
                                     : load(int64_t{});
        case NpyKind::unsigned_integer:
            return item_bytes == 1   ? load(uint8_t{})
                   : item_bytes == 2 ? load(uint16_t{})
                   : item_bytes == 4 ? load(uint32_t{})
                                     : load(uint64_t{});
        case NpyKind::floating:
            if (item_bytes == 2) {
                uint16_t h;
                std::memcpy(&h, p, 2);
                return half_to_float(h);
            }
            return item_bytes == 4 ? load(float{}) : load(double{});
    }
    return 0.0;
}

bool NpyArray::integer_value(int64_t i, int64_t& out) const {
    const uint8_t* p = data.data() + static_cast<size_t>(i) * static_cast<size_t>(item_bytes);
    if (kind == NpyKind::signed_integer && item_bytes == 8) {
        std::memcpy(&out, p, 8);
        return true;
    }
    if (kind == NpyKind::unsigned_integer && item_bytes == 8) {
        uint64_t v;
        std::memcpy(&v, p, 8);
        if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
        out = static_cast<int64_t>(v);
        return true;
    }
    const double v = value(i);
    // 2^63 is the first double past int64's range.
    if (!(std::floor(v) == v) || v < -9.2233720368547758e18 || v >= 9.2233720368547758e18) return false;
    out = static_cast<int64_t>(v);
    return true;
}

NpyArray parse_npy(std::span<const uint8_t> bytes, const std::string& what) {
    const std::optional<NpyHeader> header = read_header(bytes, what);
    if (!header)
        throw Error(what + ": truncated .npy file (" + std::to_string(bytes.size()) + " bytes, the header cut short)");
    const uint64_t expected = header->data_offset + header->data_bytes;
    if (bytes.size() != expected) {
        throw Error(what + ": shape " + npy_shape_text(header->shape) + " of " + std::to_string(header->item_bytes) +
                    "-byte elements needs " + with_thousands(static_cast<int64_t>(expected)) + " bytes, the file has " +
                    with_thousands(static_cast<int64_t>(bytes.size())));
    }
    return array_from(*header, bytes.subspan(header->data_offset));
}

NpyArray read_npy_file(const std::filesystem::path& path) {
    std::error_code error;
    const uintmax_t size = std::filesystem::file_size(path, error);
    if (error) throw Error("cannot read " + path.string() + ": " + error.message());
    if (size > max_npy_bytes + max_header_bytes + 16) {
        throw Error(path.string() + ": " + with_thousands(static_cast<int64_t>(size)) +
                    " bytes; nnlab reads arrays of at most " + with_thousands(static_cast<int64_t>(max_npy_bytes)));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot open " + path.string() + " for reading; check its permissions");
    // The header first, so that a shape that does not match the file's length is told before the data is read.
    std::vector<uint8_t> bytes(static_cast<size_t>(std::min<uintmax_t>(size, 10 + max_header_bytes)));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!in) throw Error("cannot read " + path.string());
    const std::optional<NpyHeader> header = read_header(bytes, path.string());
    if (!header) return parse_npy(bytes, path.string());  // tells what is wrong with the header
    if (header->data_offset + header->data_bytes != size) {
        throw Error(path.string() + ": shape " + npy_shape_text(header->shape) + " of " +
                    std::to_string(header->item_bytes) + "-byte elements needs " +
                    with_thousands(static_cast<int64_t>(header->data_offset + header->data_bytes)) +
                    " bytes, the file has " + with_thousands(static_cast<int64_t>(size)));
    }
    if (bytes.size() < size) {
        bytes.resize(static_cast<size_t>(size));
        const size_t have = static_cast<size_t>(std::min<uintmax_t>(size, 10 + max_header_bytes));
        in.read(reinterpret_cast<char*>(bytes.data() + have), static_cast<std::streamsize>(size - have));
        if (!in) throw Error("cannot read " + path.string());
    }
    return parse_npy(bytes, path.string());
}

std::optional<NpyLayout> read_npy_layout(std::span<const uint8_t> prefix, const std::string& what) {
    const std::optional<NpyHeader> header = read_header(prefix, what);
    if (!header) return std::nullopt;
    return NpyLayout{.shape = header->shape,
                     .item_bytes = header->item_bytes,
                     .file_bytes = header->data_offset + header->data_bytes};
}

}  // namespace nnlab
