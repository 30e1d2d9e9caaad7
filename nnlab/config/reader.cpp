// config::Reader — typed, checked access to one table of a description.
#include "nnlab/config/reader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nnlab/core/text_format.hpp"

namespace nnlab::config {
namespace {

// A JSON integer that fits int64_t (nlohmann keeps values above INT64_MAX as unsigned).
bool is_int64(const Description& value) {
    if (!value.is_number_integer()) return false;
    return !value.is_number_unsigned() ||
           value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
}

bool is_finite_number(const Description& value) {
    return value.is_number() && std::isfinite(value.get<double>());
}

// The enclosing path: "a.b[2].c" → "a.b[2]" → "a.b" → "a" → "".
std::string parent_path(const std::string& path) {
    const size_t cut = path.find_last_of(".[");
    return cut == std::string::npos ? std::string() : path.substr(0, cut);
}

}  // namespace

int Source::line_of(const std::string& path) const {
    for (std::string at = path;; at = parent_path(at)) {
        if (const auto it = lines.find(at); it != lines.end()) return it->second;
        if (at.empty()) return 0;
    }
}

std::string describe(const Description& value) {
    if (value.is_object()) return "a table";
    if (value.is_array()) {  // short ones as they are: [8], [1, 2]
        const std::string text = value.dump(-1, ' ', false, Description::error_handler_t::replace);
        return text.size() <= 40 &&
                       std::none_of(value.begin(), value.end(), [](const Description& v) { return v.is_structured(); })
                   ? text
                   : "an array of " + std::to_string(value.size()) + " values";
    }
    if (value.is_string()) return value.dump(-1, ' ', false, Description::error_handler_t::replace);
    if (value.is_number_float()) {  // as TOML writes a float: 2.0, not 2
        std::string text = shortest(value.get<double>());
        if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
        return text;
    }
    if (value.is_null()) return "null";
    return value.dump();
}

Reader::Reader(const Description& value, std::string path, const Source* source)
    : value_(value), path_(std::move(path)), source_(source) {}

std::string Reader::path_of(std::string_view key) const {
    if (key.empty()) return path_;
    if (path_.empty()) return std::string(key);
    return path_ + "." + std::string(key);
}

const Description* Reader::find(std::string_view key) const {
    if (!value_.is_object()) return nullptr;
    const auto it = value_.find(std::string(key));
    return it == value_.end() ? nullptr : &*it;
}

bool Reader::has(std::string_view key) const {
    return find(key) != nullptr;
}

bool Reader::holds_string(std::string_view key) const {
    const Description* at = find(key);
    return at != nullptr && at->is_string();
}

void Reader::expect_table(const std::string& what) const {
    if (!value_.is_object()) fail("", "expected " + what + ", found " + describe(value_));
}

void Reader::fail(std::string_view key, const std::string& message) const {
    const std::string name = path_of(key);
    std::string where;
    if (source_ != nullptr) {
        where = source_->file;
        // The key's own line when it is present, else the table's.
        const int line = source_->line_of(has(key) ? name : path_);
        if (line > 0) where += ":" + std::to_string(line);
        where += ": ";
    }
    throw ConfigError(name, where + (name.empty() ? "" : name + ": ") + message);
}

void Reader::wrong_type(std::string_view key, const std::string& expected) const {
    const Description* at = key.empty() ? &value_ : find(key);
    fail(key, "expected " + expected + ", found " + (at != nullptr ? describe(*at) : "nothing"));
}

void Reader::rethrow(const KeyError& error) const {
    if (dynamic_cast<const ConfigError*>(&error) != nullptr) throw;
    // The message starts with the key ("units: expected …"); the location replaces it.
    std::string message = error.what();
    const std::string prefix = error.key() + ": ";
    if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
    fail(error.key(), message);
}

std::optional<Reader> Reader::child(std::string_view key) const {
    const Description* at = find(key);
    if (at == nullptr) return std::nullopt;
    return Reader(*at, path_of(key), source_);
}

std::optional<Reader> Reader::table(std::string_view key) const {
    const Description* at = find(key);
    if (at == nullptr) return std::nullopt;
    if (!at->is_object()) wrong_type(key, "a table");
    return Reader(*at, path_of(key), source_);
}

std::vector<Reader> Reader::items(std::string_view key) const {
    const Description* at = find(key);
    if (at == nullptr) return {};
    if (!at->is_array()) wrong_type(key, "an array");
    std::vector<Reader> out;
    for (size_t i = 0; i < at->size(); ++i)
        out.emplace_back((*at)[i], path_of(key) + "[" + std::to_string(i) + "]", source_);
    return out;
}

std::vector<Reader> Reader::tables(std::string_view key) const {
    const Description* at = find(key);
    if (at == nullptr) return {};
    if (!at->is_array()) wrong_type(key, "an array of tables");
    std::vector<Reader> out = items(key);
    for (size_t i = 0; i < out.size(); ++i) {
        if (!out[i].is_table())
            fail(key, "item " + std::to_string(i) + ": expected a table, found " + describe(out[i].value()));
    }
    return out;
}

std::optional<std::string> Reader::string(std::string_view key) const {
    const Description* at = find(key);
    if (at == nullptr) return std::nullopt;
    if (!at->is_string()) wrong_type(key, "a string");
    return at->get<std::string>();
}

std::optional<int64_t> Reader::integer(std::string_view key) const {
    const Description* at = find(key);
    if (at == nullptr) return std::nullopt;
    if (!is_int64(*at)) wrong_type(key, "an integer");
    return at->get<int64_t>();
}

std::optional<int64_t> Reader::integer(std::string_view key, int64_t min, int64_t max) const {
    const Description* at = find(key);
    if (at == nullptr) return std::nullopt;
    const std::string range = max == std::numeric_limits<int64_t>::max()
                                  ? "an integer >= " + std::to_string(min)
                                  : "an integer from " + std::to_string(min) + " to " + std::to_string(max);
    if (!is_int64(*at)) wrong_type(key, range);
    const int64_t value = at->get<int64_t>();
    if (value < min || value > max) wrong_type(key, range);
    return value;
}

std::optional<int64_t> Reader::positive_integer(std::string_view key) const {
    const Description* at = find(key);
    if (at == nullptr) return std::nullopt;
    if (!is_int64(*at) || at->get<int64_t>() <= 0) wrong_type(key, "a positive integer");
    return at->get<int64_t>();
}

std::optional<double> Reader::number(std::string_view key) const {
    const Description* at = find(key);
    if (at == nullptr) return std::nullopt;
    if (!is_finite_number(*at)) wrong_type(key, at->is_number() ? "a finite number" : "a number");
    return at->get<double>();
}

std::optional<double> Reader::number(std::string_view key, bool (*valid)(double), const std::string& expected) const {
    const Description* at = find(key);
    if (at == nullptr) return std::nullopt;
    if (!is_finite_number(*at) || !valid(at->get<double>())) wrong_type(key, expected);
    return at->get<double>();
}

std::optional<double> Reader::number_if_number(std::string_view key) const {
    const Description* at = find(key);
    if (at == nullptr || !at->is_number()) return std::nullopt;
    return number(key);
}

std::optional<bool> Reader::boolean(std::string_view key) const {
    const Description* at = find(key);
    if (at == nullptr) return std::nullopt;
    if (!at->is_boolean()) wrong_type(key, "true or false");
    return at->get<bool>();
}

std::optional<std::vector<int64_t>> Reader::positive_integers(std::string_view key) const {
    const Description* at = find(key);
    if (at == nullptr) return std::nullopt;
    const auto positive = [](const Description& item) { return is_int64(item) && item.get<int64_t>() > 0; };
    if (!at->is_array() || !std::all_of(at->begin(), at->end(), positive))
        wrong_type(key, "an array of positive integers");
    return at->get<std::vector<int64_t>>();
}

std::optional<std::vector<std::string>> Reader::strings(std::string_view key) const {
    const Description* at = find(key);
    if (at == nullptr) return std::nullopt;
    if (!at->is_array() || !std::all_of(at->begin(), at->end(), [](const Description& i) { return i.is_string(); }))
        wrong_type(key, "an array of strings");
    return at->get<std::vector<std::string>>();
}

std::optional<std::vector<double>> Reader::numbers(std::string_view key) const {
    const Description* at = find(key);
    if (at == nullptr) return std::nullopt;
    if (!at->is_array() || !std::all_of(at->begin(), at->end(), is_finite_number))
        wrong_type(key, "an array of finite numbers");
    return at->get<std::vector<double>>();
}

std::string Reader::require_string(std::string_view key) const {
    require(key, "expected a string");
    return *string(key);
}

int64_t Reader::require_positive_integer(std::string_view key) const {
    require(key, "expected a positive integer");
    return *positive_integer(key);
}

void Reader::require(std::string_view key, const std::string& what) const {
    if (!has(key)) fail(key, "missing; " + what);
}

void Reader::reject_unknown(const std::vector<std::string>& known) const {
    if (!value_.is_object()) return;
    for (const auto& [key, item] : value_.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end())
            fail(key, "unknown key; expected one of " + join(known) + did_you_mean(key, known));
    }
}

void Reader::reject_unknown(std::initializer_list<std::string_view> known) const {
    reject_unknown(std::vector<std::string>(known.begin(), known.end()));
}

}  // namespace nnlab::config
