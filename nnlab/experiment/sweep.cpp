// Sweep — every combination of a [sweep] table's values, each a checked Experiment.
#include "nnlab/experiment/sweep.hpp"

#include "nnlab/config/toml_document.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"

namespace nnlab {
namespace {

using config::Description;
using config::Reader;

struct SweptKey {
    std::vector<std::string> path;  // {"train", "loss"} or {"seed"}
    std::string dotted;             // "train.loss"
    const Description* values;
};

// The leaves of [sweep]: nested tables are path components, an array is a list of values.
void collect(const Reader& table, std::vector<std::string> prefix, std::vector<SweptKey>& out) {
    for (const auto& [key, value] : table.value().items()) {
        std::vector<std::string> path = prefix;
        path.push_back(key);
        if (value.is_object()) {
            collect(*table.table(key), path, out);
        } else if (value.is_array()) {
            if (value.empty()) table.fail(key, "expected a non-empty array of values to compare, found []");
            out.push_back({path, join(path, "."), &value});
        } else {
            table.wrong_type(key, "an array of values to compare");
        }
    }
}

std::string value_text(const Description& value) {
    return value.is_string() ? value.get<std::string>() : config::describe(value);
}

// Sets `value` at `path` in `root`, making the tables on the way; fails at the sweep's key when a step on the way
// is not a table.
void set_at(Description& root, const SweptKey& key, const Description& value, const Reader& sweep) {
    Description* at = &root;
    for (size_t i = 0; i + 1 < key.path.size(); ++i) {
        Description& next = (*at)[key.path[i]];
        if (next.is_null()) next = Description::object();
        if (!next.is_object())
            sweep.fail(key.dotted, "\"" +
                                       join(std::vector<std::string>(key.path.begin(), key.path.begin() + i + 1), ".") +
                                       "\" is not a table in the experiment");
        at = &next;
    }
    (*at)[key.path.back()] = value;
}

// An error message without the file and line it starts with (a variant's values have no line of their own).
std::string without_location(std::string message, const std::string& file) {
    const std::string prefix = file + ":";
    if (message.starts_with(prefix)) {
        message.erase(0, prefix.size());
        const size_t digits = message.find_first_not_of("0123456789");
        if (digits != std::string::npos && message.compare(digits, 2, ": ") == 0) message.erase(0, digits + 2);
        message.erase(0, message.find_first_not_of(' '));
    }
    return message;
}

}  // namespace

Sweep load_sweep(const std::filesystem::path& file) {
    const config::Document document = config::read_toml_file(file);
    const Reader root = document.reader();
    const auto sweep_table = root.table("sweep");
    if (!sweep_table) {
        throw Error(file.string() +
                    ": no [sweep] table; list the values to compare, e.g. [sweep] train.loss = "
                    "[\"categorical_crossentropy\", \"hinge\"] (or run it with nnlab train)");
    }
    std::vector<SweptKey> keys;
    collect(*sweep_table, {}, keys);
    if (keys.empty()) sweep_table->fail("", "empty; expected at least one key with values to compare");
    size_t combinations = 1;
    for (const SweptKey& key : keys) {
        combinations *= key.values->size();
        if (combinations > max_sweep_variants) {
            sweep_table->fail("", "makes more than " + with_thousands(max_sweep_variants) +
                                      " variants; compare fewer values at a time");
        }
    }

    Description base = document.tree;
    base.erase("sweep");
    Sweep sweep;
    for (const SweptKey& key : keys) sweep.keys.push_back(key.dotted);
    // Every combination, the last key varying fastest.
    std::vector<size_t> index(keys.size(), 0);
    while (true) {
        Description variant = base;
        std::string label;
        for (size_t k = 0; k < keys.size(); ++k) {
            const Description& value = (*keys[k].values)[index[k]];
            set_at(variant, keys[k], value, *sweep_table);
            label += (label.empty() ? "" : " ") + keys[k].path.back() + "=" + value_text(value);
        }
        try {
            Experiment experiment = experiment_from(Reader(variant, "", &document.source), file);
            if (sweep.name.empty()) sweep.name = experiment.name;
            sweep.variants.push_back({label, std::move(experiment)});
        } catch (const Error& error) {
            sweep_table->fail("", "variant " + std::to_string(sweep.variants.size() + 1) + " (" + label +
                                      "): " + without_location(error.what(), file.string()));
        }
        size_t k = keys.size();
        while (k > 0 && ++index[k - 1] == keys[k - 1].values->size()) index[--k] = 0;
        if (k == 0) break;
    }
    return sweep;
}

}  // namespace nnlab
