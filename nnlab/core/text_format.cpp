// Number and text formatting shared by every table, report and CSV file nnlab writes.
#include "nnlab/core/text_format.hpp"

#include <algorithm>
#include <cstdio>
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
