// config::Reader — the one validator of descriptions (Keras: the arguments of from_config): typed, checked access
// to one table of a description, every error naming the file, the line and the key, what was expected and what was
// found.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/core/error.hpp"

namespace nnlab::config {

// A description: every object a run is made of (layers, losses, optimizers, schedules, callbacks, augmentation,
// the experiment itself) describes itself as a tree of this type, read and written by one mechanism.
using Description = nlohmann::json;

// Where a description was read from, so that an error can point at its line. Descriptions built in code have none.
struct Source {
    std::string file;
    std::map<std::string, int> lines;  // dotted path ("model.layers[2].units", "" for the root) → its line, from 1

    // The line of `path`, else of its nearest enclosing table; 0 when unknown.
    int line_of(const std::string& path) const;
};

// The error a Reader throws: what() is the whole message ("file:line: train.epochs: expected …"), key() the full
// dotted path. Code that builds objects from a description lets it pass as it is.
class ConfigError : public KeyError {
public:
    using KeyError::KeyError;
};

// How a value reads in an error message: 3, 0.5, "abc", true, a table, an array.
std::string describe(const Description& value);

class Reader {
public:
    // `path` is the dotted place of `value` in its document ("train", "model.layers[2]"; empty at the root).
    explicit Reader(const Description& value, std::string path = "", const Source* source = nullptr);

    const Description& value() const { return value_; }
    const std::string& path() const { return path_; }
    const Source* source() const { return source_; }
    // The dotted path of one of this table's keys ("train.epochs").
    std::string path_of(std::string_view key) const;

    bool is_table() const { return value_.is_object(); }
    bool has(std::string_view key) const;
    // A key holding a string (for keys that take a name or a number, such as save_freq).
    bool holds_string(std::string_view key) const;
    // Throws unless this value is a table; `what` says which (e.g. "a layer (a table with a type and its keys)").
    void expect_table(const std::string& what) const;

    // Any value under `key`, to read further; std::nullopt when absent.
    std::optional<Reader> child(std::string_view key) const;
    // A table; an error when the key holds anything else.
    std::optional<Reader> table(std::string_view key) const;
    // An array of tables; empty when absent.
    std::vector<Reader> tables(std::string_view key) const;
    // The items of an array, each as a Reader of its own ("key[i]"); empty when absent.
    std::vector<Reader> items(std::string_view key) const;

    // Typed reads: std::nullopt when the key is absent, an error naming the key when it holds another type.
    std::optional<std::string> string(std::string_view key) const;
    std::optional<int64_t> integer(std::string_view key) const;
    // An integer within [min, max], so that narrowing it afterwards is safe.
    std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max) const;
    std::optional<int64_t> positive_integer(std::string_view key) const;
    std::optional<double> number(std::string_view key) const;  // finite; an integer is accepted too
    // A number for which `valid` holds; anything else is "expected <expected>, found …" (the range is named even
    // when the value is not a number at all).
    std::optional<double> number(std::string_view key, bool (*valid)(double), const std::string& expected) const;
    std::optional<bool> boolean(std::string_view key) const;
    std::optional<std::vector<int64_t>> positive_integers(std::string_view key) const;
    std::optional<std::vector<std::string>> strings(std::string_view key) const;
    std::optional<std::vector<double>> numbers(std::string_view key) const;  // finite
    // The value when it is a number, else std::nullopt (no error), for keys that take a number or something else.
    std::optional<double> number_if_number(std::string_view key) const;

    std::string require_string(std::string_view key) const;
    int64_t require_positive_integer(std::string_view key) const;
    // Throws "<key>: missing; <what>" unless the key is present.
    void require(std::string_view key, const std::string& what) const;

    // Throws for any key of this table not in `known` (a typo, most often), listing the known keys.
    void reject_unknown(const std::vector<std::string>& known) const;
    void reject_unknown(std::initializer_list<std::string_view> known) const;

    // "file:line: path.key: message", as a ConfigError; the line of `key`, or of this table when the key is absent.
    [[noreturn]] void fail(std::string_view key, const std::string& message) const;
    // "<key>: expected <expected>, found <the value>".
    [[noreturn]] void wrong_type(std::string_view key, const std::string& expected) const;
    // A KeyError that code building an object threw about one of this table's keys (e.g. a constructor's range
    // check), as a ConfigError located here; a ConfigError passes unchanged.
    [[noreturn]] void rethrow(const KeyError& error) const;

    // Runs `build`; a KeyError it throws is located in this table (rethrow).
    template <class Build>
    auto located(Build&& build) const -> decltype(build()) {
        try {
            return build();
        } catch (const ConfigError&) {
            throw;
        } catch (const KeyError& error) {
            rethrow(error);
        }
    }

private:
    const Description* find(std::string_view key) const;

    const Description& value_;
    std::string path_;
    const Source* source_;
};

}  // namespace nnlab::config
