// Sweep — every combination of a [sweep] table's values, each a checked Experiment.
#include "nnlab/experiment/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "nnlab/config/toml_document.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/rng.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/experiment/setting_path.hpp"

namespace nnlab {
namespace {

using config::Description;
using config::Reader;

// One swept setting: a list of values (grid: each in turn; random: one drawn per variant) or, in random mode, a
// range { min, max, scale = "linear" | "log" } drawn uniformly (in log space for "log"); integers when min and max are.
struct SweptKey {
    std::string dotted;  // "train.loss", "model.layers[1].units"
    const Description* values = nullptr;
    double min = 0.0, max = 0.0;
    bool log_scale = false;
    bool integers = false;

    bool is_range() const { return values == nullptr; }
};

// The keys of [sweep] that set the search, not a setting.
constexpr std::string_view search_keys[] = {"mode", "samples"};

bool is_range_table(const Description& value) {
    if (!value.is_object() || !value.contains("min") || !value.contains("max")) return false;
    for (const auto& [key, _] : value.items())
        if (key != "min" && key != "max" && key != "scale") return false;
    return true;
}

SweptKey range_of(const Reader& table, const std::string& key, const std::string& dotted) {
    const Reader range = *table.table(key);
    SweptKey swept{.dotted = dotted};
    const auto min = range.number("min");
    const auto max = range.number("max");
    swept.min = *min;
    swept.max = *max;
    swept.integers = range.value()["min"].is_number_integer() && range.value()["max"].is_number_integer();
    const std::string scale = range.string("scale").value_or("linear");
    if (scale != "linear" && scale != "log") range.wrong_type("scale", "\"linear\" or \"log\"");
    swept.log_scale = scale == "log";
    if (!(swept.min <= swept.max)) range.fail("max", "expected max ≥ min (" + shortest(swept.min) + ")");
    if (swept.log_scale && !(swept.min > 0.0)) range.fail("min", "a log-scale range needs min > 0");
    // Whole numbers are drawn as doubles: beyond 2^53 they would not be whole any more.
    constexpr double exact = 9007199254740992.0;
    if (swept.integers && (std::abs(swept.min) > exact || std::abs(swept.max) > exact))
        range.fail("max", "an integer range must lie within ±2^53 (9,007,199,254,740,992)");
    return swept;
}

// The leaves of [sweep]: nested tables are path components, an array is a list of values, a { min, max } table a
// range (random mode only).
void collect(const Reader& table, std::vector<std::string> prefix, bool random, std::vector<SweptKey>& out) {
    for (const auto& [key, value] : table.value().items()) {
        if (prefix.empty() && std::find(std::begin(search_keys), std::end(search_keys), key) != std::end(search_keys))
            continue;
        std::vector<std::string> path = prefix;
        path.push_back(key);
        const std::string dotted = join(path, ".");
        if (is_range_table(value)) {
            if (!random) table.fail(key, "a range { min, max } is drawn from: it needs mode = \"random\"");
            out.push_back(range_of(table, key, dotted));
        } else if (value.is_object()) {
            collect(*table.table(key), path, random, out);
        } else if (value.is_array()) {
            if (value.empty()) table.fail(key, "expected a non-empty array of values to compare, found []");
            out.push_back({.dotted = dotted, .values = &value});
        } else {
            table.wrong_type(key, random ? "an array of values to draw from, or a range { min, max, scale }"
                                         : "an array of values to compare");
        }
    }
}

std::string value_text(const Description& value) {
    return value.is_string() ? value.get<std::string>() : config::describe(value);
}

// The last key of a setting path, for labels: "units" of model.layers[1].units.
std::string short_name(const std::string& dotted) {
    std::string name = dotted.substr(dotted.rfind('.') == std::string::npos ? 0 : dotted.rfind('.') + 1);
    return name.substr(0, name.find('['));
}

Description draw(const SweptKey& key, Rng& rng) {
    if (!key.is_range()) return (*key.values)[rng.below(key.values->size())];
    const double u = rng.uniform();
    double v = key.log_scale ? std::exp(std::log(key.min) + u * (std::log(key.max) - std::log(key.min)))
                             : key.min + u * (key.max - key.min);
    if (key.integers) return static_cast<int64_t>(std::clamp(std::round(v), key.min, key.max));
    // Four significant digits: a label a person reads, and a value the resolved config writes back exactly.
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", v);
    return std::strtod(text, nullptr);
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
    const std::string mode = sweep_table->string("mode").value_or("grid");
    if (mode != "grid" && mode != "random")
        sweep_table->wrong_type("mode", "\"grid\" (every combination) or \"random\" (samples drawn combinations)");
    const bool random = mode == "random";
    if (!random && sweep_table->has("samples"))
        sweep_table->fail("samples", "only for mode = \"random\" (a grid runs every combination)");
    std::vector<SweptKey> keys;
    collect(*sweep_table, {}, random, keys);
    // In the file's order (the tree keeps keys sorted), so that the last key written varies fastest.
    const auto line = [&](const SweptKey& key) {
        const auto it = document.source.lines.find("sweep." + key.dotted);
        return it == document.source.lines.end() ? 0 : it->second;
    };
    std::stable_sort(keys.begin(), keys.end(), [&](const SweptKey& a, const SweptKey& b) { return line(a) < line(b); });
    if (keys.empty()) sweep_table->fail("", "empty; expected at least one key with values to compare");
    size_t combinations = 1;
    if (random) {
        sweep_table->require("samples", "mode = \"random\" needs samples, the number of variants to draw");
        combinations = static_cast<size_t>(*sweep_table->integer("samples", 1, max_sweep_variants));
    } else {
        for (const SweptKey& key : keys) {
            combinations *= key.values->size();
            if (combinations > max_sweep_variants) {
                sweep_table->fail("", "makes more than " + with_thousands(max_sweep_variants) +
                                          " variants; compare fewer values at a time");
            }
        }
    }

    Description base = document.tree;
    base.erase("sweep");
    Sweep sweep;
    for (const SweptKey& key : keys) sweep.keys.push_back(key.dotted);
    // Random draws come from the experiment's seed, so that the same file draws the same variants.
    const uint64_t seed = base.contains("seed") && base["seed"].is_number_unsigned() ? base["seed"].get<uint64_t>()
                          : base.contains("seed") && base["seed"].is_number_integer() && base["seed"].get<int64_t>() > 0
                              ? static_cast<uint64_t>(base["seed"].get<int64_t>())
                              : 0;
    Rng rng(seed, "sweep");
    // Grid: every combination, the last key varying fastest.
    std::vector<size_t> index(keys.size(), 0);
    for (size_t v = 0; v < combinations; ++v) {
        Description variant = base;
        std::string label;
        for (size_t k = 0; k < keys.size(); ++k) {
            const Description value = random ? draw(keys[k], rng) : (*keys[k].values)[index[k]];
            try {
                set_setting(variant, keys[k].dotted, value);
            } catch (const KeyError& error) {
                std::string message = error.what();
                if (message.starts_with(keys[k].dotted + ": ")) message.erase(0, keys[k].dotted.size() + 2);
                sweep_table->fail(keys[k].dotted, message);
            }
            label += (label.empty() ? "" : " ") + short_name(keys[k].dotted) + "=" + value_text(value);
        }
        try {
            Experiment experiment = experiment_from(Reader(variant, "", &document.source), file);
            if (sweep.name.empty()) sweep.name = experiment.name;
            sweep.variants.push_back({label, std::move(experiment)});
        } catch (const Error& error) {
            sweep_table->fail("", "variant " + std::to_string(sweep.variants.size() + 1) + " (" + label +
                                      "): " + without_location(error.what(), file.string()));
        }
        for (size_t k = keys.size(); !random && k > 0;) {
            --k;
            if (++index[k] < keys[k].values->size()) break;
            index[k] = 0;
        }
    }
    return sweep;
}

}  // namespace nnlab
