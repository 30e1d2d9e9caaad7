// Sweep — every combination of a [sweep] table's values, each a checked Experiment.
#include "cli/sweep.hpp"

#include <sstream>

#include "cli/config_reader.hpp"
#include "nnlab/core/error.hpp"

namespace nnlab::cli {
namespace {

struct SweptKey {
    std::vector<std::string> path;  // {"train", "loss"} or {"seed"}
    std::string dotted;             // "train.loss"
    const toml::array* values;
};

// The leaves of [sweep]: nested tables are path components, an array is a list of values.
void collect(const ConfigReader& sweep, const toml::table& table, std::vector<std::string> prefix,
             std::vector<SweptKey>& out) {
    for (const auto& [key, value] : table) {
        std::vector<std::string> path = prefix;
        path.push_back(std::string(key.str()));
        std::string dotted;
        for (const std::string& part : path) dotted += (dotted.empty() ? "" : ".") + part;
        if (const toml::table* inner = value.as_table()) {
            collect(sweep, *inner, path, out);
        } else if (const toml::array* values = value.as_array()) {
            if (values->empty()) sweep.fail(dotted, "expected a non-empty array of values to compare, found []");
            out.push_back({std::move(path), dotted, values});
        } else {
            sweep.fail(dotted, "expected an array of values to compare, found " + describe(value));
        }
    }
}

std::string value_text(const toml::node& value) {
    if (const auto* text = value.as_string()) return text->get();
    std::ostringstream out;
    value.visit([&](const auto& v) { out << v; });
    return out.str();
}

}  // namespace

Sweep load_sweep(const std::filesystem::path& file) {
    const toml::table root = parse_experiment_file(file);
    const ConfigReader reader(root, file.string(), "");
    const auto sweep_table = reader.table("sweep");
    if (!sweep_table) {
        throw Error(file.string() +
                    ": no [sweep] table; list the values to compare, e.g. [sweep] train.loss = "
                    "[\"categorical_crossentropy\", \"hinge\"] (or run it with nnlab train)");
    }
    std::vector<SweptKey> keys;
    collect(*sweep_table, *root.get_as<toml::table>("sweep"), {}, keys);
    if (keys.empty()) sweep_table->fail("", "empty; expected at least one key with values to compare");

    toml::table base = root;
    base.erase("sweep");
    Sweep sweep;
    for (const SweptKey& key : keys) {
        sweep.keys.push_back(key.dotted);
        // Only [table].key or a top-level key: those are the settings an experiment has.
        if (key.path.size() > 2) sweep_table->fail(key.dotted, "expected a setting such as train.loss or seed");
    }
    // Every combination, the last key varying fastest.
    std::vector<size_t> index(keys.size(), 0);
    while (true) {
        toml::table variant = base;
        std::string label;
        for (size_t k = 0; k < keys.size(); ++k) {
            const SweptKey& key = keys[k];
            const toml::node& value = *key.values->get(index[k]);
            toml::table* target = &variant;
            if (key.path.size() == 2) {
                if (!variant.contains(key.path[0])) variant.insert(key.path[0], toml::table{});
                target = variant.get_as<toml::table>(key.path[0]);
                if (target == nullptr) sweep_table->fail(sweep.keys[k], "\"" + key.path[0] + "\" is not a table");
            }
            value.visit([&](const auto& v) { target->insert_or_assign(key.path.back(), v); });
            label += (label.empty() ? "" : " ") + key.path.back() + "=" + value_text(value);
        }
        try {
            Experiment experiment = experiment_from_table(variant, file);
            if (sweep.name.empty()) sweep.name = experiment.name;
            sweep.variants.push_back({label, std::move(experiment)});
        } catch (const Error& error) {
            // The message names the file already; the variant's values have no line of their own there.
            std::string message = error.what();
            const std::string prefix = file.string() + ":";
            if (message.starts_with(prefix)) {
                message.erase(0, prefix.size());
                const size_t digits = message.find_first_not_of("0123456789");
                if (digits != std::string::npos && message.compare(digits, 2, ": ") == 0) message.erase(0, digits + 2);
                message.erase(0, message.find_first_not_of(' '));
            }
            sweep_table->fail("",
                              "variant " + std::to_string(sweep.variants.size() + 1) + " (" + label + "): " + message);
        }
        size_t k = keys.size();
        while (k > 0 && ++index[k - 1] == keys[k - 1].values->size()) index[--k] = 0;
        if (k == 0) break;
    }
    return sweep;
}

}  // namespace nnlab::cli
