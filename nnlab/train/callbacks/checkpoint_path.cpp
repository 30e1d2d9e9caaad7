// Checkpoint path — a small str.format for ModelCheckpoint's filepath.
#include "nnlab/train/callbacks/checkpoint_path.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

struct Spec {
    bool zero_pad = false;
    int width = 0;
    int precision = -1;  // none
    char type = 0;       // 0, 'd', 'f', 'e', 'g'
};

struct Field {
    std::string name;
    Spec spec;
};

// One piece of the pattern: literal text, or a field.
struct Piece {
    std::string text;
    std::optional<Field> field;
};

[[noreturn]] void bad_pattern(const std::string& pattern, const std::string& problem) {
    throw KeyError("filepath", "filepath: " + problem + " in \"" + pattern + "\"");
}

// The widest field a file name may ask for: wider ones only make names the file system refuses.
constexpr int max_field_width = 64;

// Digits as a number, saturating above max_field_width (parse_spec refuses it) rather than overflowing.
int read_digits(const std::string& s, size_t& i) {
    int value = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0)
        value = std::min(value * 10 + (s[i++] - '0'), max_field_width + 1);
    return value;
}

Spec parse_spec(const std::string& pattern, const std::string& name, const std::string& text) {
    Spec spec;
    size_t i = 0;
    if (i < text.size() && text[i] == '0') {
        spec.zero_pad = true;
        ++i;
    }
    spec.width = read_digits(text, i);
    if (i < text.size() && text[i] == '.') {
        ++i;
        const size_t start = i;
        spec.precision = read_digits(text, i);
        if (i == start) bad_pattern(pattern, "field {" + name + ":" + text + "}: expected digits after '.'");
    }
    if (i < text.size() && (text[i] == 'd' || text[i] == 'f' || text[i] == 'e' || text[i] == 'g'))
        spec.type = text[i++];
    if (i != text.size()) {
        bad_pattern(pattern, "field {" + name + ":" + text +
                                 "}: unsupported format; expected [0][width][.precision][d|f|e|g], e.g. 02d or .4f");
    }
    if (spec.width > max_field_width || spec.precision > max_field_width) {
        bad_pattern(pattern, "field {" + name + ":" + text + "}: width and precision go up to " +
                                 std::to_string(max_field_width));
    }
    if (spec.type == 'd' && spec.precision >= 0)
        bad_pattern(pattern, "field {" + name + ":" + text + "}: precision is not allowed with d");
    return spec;
}

std::vector<Piece> parse(const std::string& pattern) {
    std::vector<Piece> pieces(1);
    for (size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '}') {
            if (i + 1 < pattern.size() && pattern[i + 1] == '}') {
                pieces.back().text += '}';
                ++i;
                continue;
            }
            bad_pattern(pattern, "a single '}' (write '}}' for a brace)");
        }
        if (c != '{') {
            pieces.back().text += c;
            continue;
        }
        if (i + 1 < pattern.size() && pattern[i + 1] == '{') {
            pieces.back().text += '{';
            ++i;
            continue;
        }
        const size_t close = pattern.find('}', i);
        if (close == std::string::npos) bad_pattern(pattern, "a '{' without its '}' (write '{{' for a brace)");
        const std::string inside = pattern.substr(i + 1, close - i - 1);
        const size_t colon = inside.find(':');
        Field field{inside.substr(0, colon), {}};
        if (field.name.empty()) bad_pattern(pattern, "an empty field {}; name a log key, e.g. {epoch}");
        if (colon != std::string::npos) field.spec = parse_spec(pattern, field.name, inside.substr(colon + 1));
        pieces.push_back({"", field});
        pieces.push_back({});
        i = close;
    }
    return pieces;
}

std::string format_value(const std::string& pattern, const Field& field, double value, bool integer) {
    const Spec& s = field.spec;
    if (s.type == 'd' && !integer) {
        bad_pattern(pattern, "field {" + field.name + "} holds a float; d formats integers (use .4f or similar)");
    }
    if (integer && s.type == 0 && s.precision >= 0) {
        bad_pattern(pattern, "field {" + field.name + "} is an integer; precision needs a type, e.g. .2f");
    }
    std::string flags = s.zero_pad ? "0" : "";
    char buffer[512];
    if (integer && (s.type == 0 || s.type == 'd')) {
        std::snprintf(buffer, sizeof buffer, ("%" + flags + "*lld").c_str(), s.width, static_cast<long long>(value));
        return buffer;
    }
    if (s.type == 0 && s.precision < 0) {
        // Python's str(float): the shortest text that reads back the same, padded to the width.
        std::string text = std::isnan(value)   ? "nan"
                           : std::isinf(value) ? (value > 0 ? "inf" : "-inf")
                                               : nlohmann::json(value).dump();
        const size_t width = static_cast<size_t>(s.width);
        if (text.size() < width) text.insert(0, width - text.size(), s.zero_pad && std::isfinite(value) ? '0' : ' ');
        return text;
    }
    const char type = s.type == 0 ? 'g' : s.type;
    // Python's f, e and g default to 6 digits, as printf's.
    const int precision = s.precision < 0 ? 6 : s.precision;
    std::snprintf(buffer, sizeof buffer, ("%" + flags + "*.*" + std::string(1, type)).c_str(), s.width, precision,
                  value);
    return buffer;
}

}  // namespace

std::vector<std::string> checkpoint_path_fields(const std::string& pattern) {
    std::vector<std::string> names;
    for (const Piece& piece : parse(pattern))
        if (piece.field) names.push_back(piece.field->name);
    return names;
}

std::string format_checkpoint_path(const std::string& pattern, int epoch, std::optional<int64_t> batch,
                                   const Logs& logs) {
    std::string path;
    for (const Piece& piece : parse(pattern)) {
        path += piece.text;
        if (!piece.field) continue;
        const Field& field = *piece.field;
        if (field.name == "epoch") {
            path += format_value(pattern, field, epoch, true);
        } else if (field.name == "batch" && batch) {
            path += format_value(pattern, field, static_cast<double>(*batch), true);
        } else if (const auto value = logs.get(field.name)) {
            path += format_value(pattern, field, *value, false);
        } else {
            std::string known = batch ? "epoch, batch" : "epoch";
            for (const auto& [key, v] : logs.entries()) known += ", " + key;
            throw KeyError("filepath", "filepath: unknown field {" + field.name + "} in \"" + pattern +
                                           "\"; the fields are " + known);
        }
    }
    return path;
}

}  // namespace nnlab
