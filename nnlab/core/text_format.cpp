// Number and text formatting shared by every table, report and CSV file nnlab writes.
#include "nnlab/core/text_format.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <vector>

namespace nnlab {

std::string fixed(double value, int digits) {
    std::vector<char> buffer(static_cast<size_t>(std::max(digits, 0)) + 320);  // DBL_MAX has 309 integer digits
    std::snprintf(buffer.data(), buffer.size(), "%.*f", digits, value);
    return buffer.data();
}

std::string with_thousands(int64_t n) {
    const std::string digits = std::to_string(n);
    const size_t sign = n < 0 ? 1 : 0;
    std::string out = digits.substr(0, sign);
    for (size_t i = sign; i < digits.size(); ++i) {
        if (i > sign && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string shortest(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    // The shortest digits that read back to the same double, then laid out as Python's repr does: positional for
    // exponents from -4 to 15 (0.0001, 1500.0 → "1500"), else scientific (1e-07, 1e+16).
    char buffer[64];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, std::abs(value), std::chars_format::scientific).ptr;
    const std::string text(buffer, end);
    const size_t e = text.find('e');
    std::string digits = text.substr(0, e);
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    const int exponent = std::stoi(text.substr(e + 1));
    std::string out = std::signbit(value) ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
        } else {
            const auto integer_digits = static_cast<size_t>(exponent) + 1;
            if (digits.size() <= integer_digits) {
                out += digits + std::string(integer_digits - digits.size(), '0');
            } else {
                out += digits.substr(0, integer_digits) + "." + digits.substr(integer_digits);
            }
        }
        return out;
    }
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exponent_text[16];
    std::snprintf(exponent_text, sizeof exponent_text, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + exponent_text;
}

std::string byte_size(double bytes) {
    if (bytes < 1024.0) return fixed(bytes, 0) + " bytes";
    const char* const units[] = {"KB", "MB", "GB", "TB", "PB", "EB"};
    double value = bytes / 1024.0;
    size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(units)) {
        value /= 1024.0;
        ++unit;
    }
    return fixed(value, 1) + " " + units[unit];
}

namespace {

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours, case ignored.
size_t edit_distance(const std::string& a, const std::string& b) {
    const auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
    if (word.size() > 64) return "";  // not a typo of any name here, and the table would be large
    const size_t allowed = std::max<size_t>(1, word.size() / 3);
    std::string best;
    size_t best_distance = allowed + 1;
    for (const std::string& candidate : candidates) {
        if (candidate.size() > 64) continue;
        const size_t distance = edit_distance(word, candidate);
        if (distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    if (!best.empty() || word.size() < 3) return best;
    // A word cut short or run on ("batch" for batch_size) is a typo too, when only one name fits it.
    std::vector<std::string> prefixed;
    for (const std::string& candidate : candidates)
        if (candidate.starts_with(word) || word.starts_with(candidate)) prefixed.push_back(candidate);
    return prefixed.size() == 1 ? prefixed.front() : "";
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
    const std::string match = closest_match(word, candidates);
    return match.empty() ? "" : " (did you mean '" + match + "'?)";
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string text;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) text += separator;
        text += items[i];
    }
    return text;
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

}  // namespace nnlab
