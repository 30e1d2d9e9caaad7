// ConfigReader — typed, checked access to one TOML table; every error names the file, the line
// and the key, what was expected and what was found.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include "nnlab/core/error.hpp"

namespace nnlab::cli {

class ConfigReader {
public:
    // `path` is the dotted prefix of this table's keys ("train", "model.layers[2]"); empty at the root.
    ConfigReader(const toml::table& table, std::string file, std::string path);

    bool has(std::string_view key) const { return table_.contains(key); }
    // For keys that take a string or a number ("epoch" or a count).
    bool holds_string(std::string_view key) const { return node(key) != nullptr && node(key)->is_string(); }
    std::optional<ConfigReader> table(std::string_view key) const;
    // An array of tables (inline tables or [[key]] sections).
    std::vector<ConfigReader> tables(std::string_view key) const;

    std::optional<std::string> string(std::string_view key) const;
    std::optional<int64_t> integer(std::string_view key) const;
    std::optional<int64_t> positive_integer(std::string_view key) const;
    std::optional<double> number(std::string_view key) const;  // an integer is accepted too
    std::optional<bool> boolean(std::string_view key) const;
    std::optional<std::vector<int64_t>> integers(std::string_view key) const;
    std::optional<std::vector<std::string>> strings(std::string_view key) const;
    // The value when it is a number (integer or float), else nullopt (no error).
    std::optional<double> number_if_number(std::string_view key) const;
    // An array of numbers; throws when the key holds anything else.
    std::vector<double> numbers(std::string_view key) const;

    std::string require_string(std::string_view key) const;

    // Throws for any key of this table not in `known` (a typo, most often).
    void reject_unknown(std::initializer_list<std::string_view> known) const;

    // The whole table as JSON (for the library's factories, which check keys themselves).
    nlohmann::json to_json() const;

    // "file:line: path.key: message" — the line of `key`, or of the table when the key is absent.
    [[noreturn]] void fail(std::string_view key, const std::string& message) const;
    // Rethrows a library KeyError about this table with the file, line and full key path added.
    [[noreturn]] void rethrow(const KeyError& error) const;

    const std::string& file() const { return file_; }
    std::string key_path(std::string_view key) const;

private:
    const toml::node* node(std::string_view key) const { return table_.get(key); }
    [[noreturn]] void wrong_type(std::string_view key, const std::string& expected) const;

    const toml::table& table_;
    std::string file_;
    std::string path_;
};

// How a TOML value reads in an error message: "-3", "\"abc\"", "a table".
std::string describe(const toml::node& node);

}  // namespace nnlab::cli
