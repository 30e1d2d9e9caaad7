// config::Registry — builds objects of one kind (layers, losses, optimizers, schedules, callbacks) by name from
// their descriptions (Keras: keras.layers.deserialize, keras.losses.get, … and register_keras_serializable).
// nnlab's own types are registered when a registry is first used; a program registers its own the same way, and
// they then load from model files and experiment files like the built-in ones.
#pragma once

#include <algorithm>
#include <cctype>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "nnlab/config/reader.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"

namespace nnlab::config {

// `T` is the interface built (Layer, Loss, …); `Context` what a factory needs besides the description (none for
// most kinds; a run folder for callbacks).
template <class T, class... Context>
class Registry {
public:
    // Builds the object from a description whose "type" and keys have been checked against the entry.
    using Factory = std::function<std::unique_ptr<T>(const Reader& description, const Context&... context)>;

    struct Entry {
        std::string type;               // the name in descriptions: "Dense", "categorical_crossentropy", …
        std::vector<std::string> keys;  // the keys its description may hold besides "type" (and "name" where
                                        // the kind has names)
        Factory factory;
        std::vector<std::string> aliases;  // other names accepted for it ("mse", "CategoricalCrossentropy")
    };

    // `kind` names the objects in messages ("layer", "loss"); `common_keys` are accepted for every type ("name"
    // for layers).
    explicit Registry(std::string kind, std::vector<std::string> common_keys = {})
        : kind_(std::move(kind)), common_keys_(std::move(common_keys)) {}

    // Adds a type, or replaces the one of the same name. Throws nnlab::Error for an empty name.
    void add(Entry entry) {
        if (entry.type.empty()) throw Error("register " + kind_ + ": the type name is empty");
        std::lock_guard lock(mutex_);
        const auto same = [&](const Entry& e) { return e.type == entry.type; };
        if (const auto it = std::find_if(entries_.begin(), entries_.end(), same); it != entries_.end())
            *it = std::move(entry);
        else
            entries_.push_back(std::move(entry));
    }

    // The types in the order they were added (built-in ones alphabetically first).
    std::vector<std::string> types() const {
        std::lock_guard lock(mutex_);
        std::vector<std::string> names;
        for (const Entry& e : entries_) names.push_back(e.type);
        return names;
    }

    bool contains(const std::string& type) const { return find(type) != nullptr; }

    // The entry a "type" names (its own name or an alias), or nullptr.
    const Entry* find(const std::string& type) const {
        std::lock_guard lock(mutex_);
        for (const Entry& e : entries_)
            if (e.type == type || std::find(e.aliases.begin(), e.aliases.end(), type) != e.aliases.end()) return &e;
        return nullptr;
    }

    // Checks "type" and every key of the description, then builds the object. A description may also be the name
    // alone ("adam", "mse"): the type with every default, as Keras's get() takes an identifier. Errors name the
    // key and its line (ConfigError); a KeyError the factory throws (a constructor's range check) is located the
    // same way.
    std::unique_ptr<T> make(const Reader& description, const Context&... context) const {
        if (description.value().is_string()) {
            const Entry& entry = entry_named(description, "", description.value().template get<std::string>());
            const Description defaults = Description::object();
            const Reader empty(defaults, description.path(), description.source());
            return description.located([&] { return entry.factory(empty, context...); });
        }
        const bool vowel = std::string("aeiou").find(kind_.front()) != std::string::npos;
        description.expect_table((vowel ? "an " : "a ") + kind_ + " (a name, or a table with a type and its keys)");
        description.require("type", "expected one of " + join(types()));
        const Entry& entry = entry_named(description, "type", description.require_string("type"));
        std::vector<std::string> allowed{"type"};
        allowed.insert(allowed.end(), common_keys_.begin(), common_keys_.end());
        allowed.insert(allowed.end(), entry.keys.begin(), entry.keys.end());
        for (const auto& [key, value] : description.value().items()) {
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
                description.fail(key, "unknown key for " + kind_ + " " + entry.type + "; expected one of " +
                                          join(allowed) + did_you_mean(key, allowed));
            }
        }
        return description.located([&] { return entry.factory(description, context...); });
    }

private:
    // The entry `type` names; an error at `key` of the description (the value itself when empty) when none does.
    const Entry& entry_named(const Reader& description, const std::string& key, const std::string& type) const {
        if (const Entry* entry = find(type)) return *entry;
        description.fail(key, "unknown " + kind_ + " '" + type + "'; expected one of " + join(types()) +
                                  did_you_mean(type, types()));
    }

    std::string kind_;
    std::vector<std::string> common_keys_;
    mutable std::mutex mutex_;
    std::deque<Entry> entries_;  // a deque: entries stay where they are as others are added
};

}  // namespace nnlab::config
