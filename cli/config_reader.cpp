// ConfigReader — typed, checked access to one TOML table.
#include "cli/config_reader.hpp"

#include <sstream>

namespace nnlab::cli {
namespace {

// A value as TOML writes it ("-3", "\"abc\"", a date).
std::string toml_text(const toml::node& node) {
    std::ostringstream text;
    node.visit([&text](const auto& value) { text << value; });
    return text.str();
}

nlohmann::json node_to_json(const toml::node& node) {
    if (auto v = node.as_string()) return v->get();
    if (auto v = node.as_integer()) return v->get();
    if (auto v = node.as_floating_point()) return v->get();
    if (auto v = node.as_boolean()) return v->get();
    if (auto array = node.as_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const toml::node& item : *array) out.push_back(node_to_json(item));
        return out;
    }
    if (auto table = node.as_table()) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& [key, value] : *table) out[std::string(key.str())] = node_to_json(value);
        return out;
    }
    return toml_text(node);  // dates and times: kept as text
}

}  // namespace

std::string describe(const toml::node& node) {
    if (node.is_table()) return "a table";
    if (node.is_array()) return "an array";
    return toml_text(node);
}

ConfigReader::ConfigReader(const toml::table& table, std::string file, std::string path)
    : table_(table), file_(std::move(file)), path_(std::move(path)) {}

std::string ConfigReader::key_path(std::string_view key) const {
    if (path_.empty()) return std::string(key);
    if (key.empty()) return path_;
    return path_ + "." + std::string(key);
}

void ConfigReader::fail(std::string_view key, const std::string& message) const {
    const toml::node* at = key.empty() ? nullptr : node(key);
    const auto& source = at != nullptr ? at->source() : table_.source();
    std::string where = file_;
    if (source.begin.line > 0) where += ":" + std::to_string(source.begin.line);
    const std::string name = key_path(key);
    throw Error(where + ": " + (name.empty() ? "" : name + ": ") + message);
}

void ConfigReader::rethrow(const KeyError& error) const {
    // The library's message starts with the key ("units: expected …"); replace it with the full path.
    std::string message = error.what();
    const std::string prefix = error.key() + ": ";
    if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
    fail(error.key(), message);
}

void ConfigReader::wrong_type(std::string_view key, const std::string& expected) const {
    fail(key, "expected " + expected + ", found " + describe(*node(key)));
}

std::optional<ConfigReader> ConfigReader::table(std::string_view key) const {
    const toml::node* at = node(key);
    if (at == nullptr) return std::nullopt;
    if (!at->is_table()) wrong_type(key, "a table");
    return ConfigReader(*at->as_table(), file_, key_path(key));
}

std::vector<ConfigReader> ConfigReader::tables(std::string_view key) const {
    const toml::node* at = node(key);
    if (at == nullptr) return {};
    const toml::array* array = at->as_array();
    if (array == nullptr) wrong_type(key, "an array of tables");
    std::vector<ConfigReader> out;
    for (size_t i = 0; i < array->size(); ++i) {
        const toml::table* item = (*array)[i].as_table();
        if (item == nullptr) {
            fail(key, "item " + std::to_string(i) + ": expected a table, found " + describe((*array)[i]));
        }
        out.emplace_back(*item, file_, key_path(key) + "[" + std::to_string(i) + "]");
    }
    return out;
}

std::optional<std::string> ConfigReader::string(std::string_view key) const {
    const toml::node* at = node(key);
    if (at == nullptr) return std::nullopt;
    if (!at->is_string()) wrong_type(key, "a string");
    return at->as_string()->get();
}

std::optional<int64_t> ConfigReader::integer(std::string_view key) const {
    const toml::node* at = node(key);
    if (at == nullptr) return std::nullopt;
    if (!at->is_integer()) wrong_type(key, "an integer");
    return at->as_integer()->get();
}

std::optional<int64_t> ConfigReader::positive_integer(std::string_view key) const {
    const toml::node* at = node(key);
    if (at == nullptr) return std::nullopt;
    if (!at->is_integer() || at->as_integer()->get() <= 0) wrong_type(key, "a positive integer");
    return at->as_integer()->get();
}

std::optional<double> ConfigReader::number(std::string_view key) const {
    const toml::node* at = node(key);
    if (at == nullptr) return std::nullopt;
    if (auto v = at->as_floating_point()) return v->get();
    if (auto v = at->as_integer()) return static_cast<double>(v->get());
    wrong_type(key, "a number");
}

std::optional<double> ConfigReader::number_if_number(std::string_view key) const {
    const toml::node* at = node(key);
    if (at == nullptr || !(at->is_floating_point() || at->is_integer())) return std::nullopt;
    return number(key);
}

std::vector<double> ConfigReader::numbers(std::string_view key) const {
    const toml::node* at = node(key);
    if (at == nullptr) fail(key, "missing; expected an array of numbers");
    const toml::array* array = at->as_array();
    if (array == nullptr) wrong_type(key, "an array of numbers");
    std::vector<double> out;
    for (const toml::node& item : *array) {
        if (auto v = item.as_floating_point())
            out.push_back(v->get());
        else if (auto i = item.as_integer())
            out.push_back(static_cast<double>(i->get()));
        else
            wrong_type(key, "an array of numbers");
    }
    return out;
}

std::optional<bool> ConfigReader::boolean(std::string_view key) const {
    const toml::node* at = node(key);
    if (at == nullptr) return std::nullopt;
    if (!at->is_boolean()) wrong_type(key, "true or false");
    return at->as_boolean()->get();
}

std::optional<std::vector<int64_t>> ConfigReader::integers(std::string_view key) const {
    const toml::node* at = node(key);
    if (at == nullptr) return std::nullopt;
    const toml::array* array = at->as_array();
    if (array == nullptr) wrong_type(key, "an array of positive integers");
    std::vector<int64_t> out;
    for (const toml::node& item : *array) {
        if (!item.is_integer() || item.as_integer()->get() <= 0) wrong_type(key, "an array of positive integers");
        out.push_back(item.as_integer()->get());
    }
    return out;
}

std::optional<std::vector<std::string>> ConfigReader::strings(std::string_view key) const {
    const toml::node* at = node(key);
    if (at == nullptr) return std::nullopt;
    const toml::array* array = at->as_array();
    if (array == nullptr) wrong_type(key, "an array of strings");
    std::vector<std::string> out;
    for (const toml::node& item : *array) {
        if (!item.is_string()) wrong_type(key, "an array of strings");
        out.push_back(item.as_string()->get());
    }
    return out;
}

std::string ConfigReader::require_string(std::string_view key) const {
    auto value = string(key);
    if (!value) fail(key, "missing; expected a string");
    return *value;
}

void ConfigReader::reject_unknown(std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : table_) {
        bool found = false;
        for (std::string_view k : known) found = found || k == key.str();
        if (!found) {
            std::string list;
            for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
            fail(key.str(), "unknown key; expected one of " + list);
        }
    }
}

nlohmann::json ConfigReader::to_json() const {
    return node_to_json(table_);
}

}  // namespace nnlab::cli
