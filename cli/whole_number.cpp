// whole_number — the check every whole-number option of the command shares.
#include <charconv>

#include "cli/commands.hpp"

namespace nnlab::cli {

CLI::Validator whole_number(int64_t min, int64_t max, const std::string& source) {
    const std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
    return CLI::Validator(
        [=](std::string& value) -> std::string {
            int64_t n = 0;
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (error == std::errc() && end == value.data() + value.size() && n >= min && n <= max) return "";
            return "expected a whole number " + range + (source.empty() ? "" : " (" + source + ")") + ", found '" +
                   value + "'";
        },
        "INT in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
}

}  // namespace nnlab::cli
