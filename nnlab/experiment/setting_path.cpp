// Setting paths — parsing "a.b[1].c", and setting a value there in an experiment's tree.
#include "nnlab/experiment/setting_path.hpp"

#include <charconv>

#include "nnlab/config/toml_document.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/layers/layer_names.hpp"

namespace nnlab {
namespace {

using config::Description;

[[noreturn]] void fail(std::string_view path, const std::string& message) {
    throw KeyError(std::string(path), std::string(path) + ": " + message);
}

// The names the layers of `layers` get in a model: their own, else Keras's automatic one, in order.
std::vector<std::string> layer_names(const Description& layers) {
    LayerNames names;
    std::vector<std::string> out;
    for (const Description& layer : layers) {
        std::string name;
        if (layer.is_object() && layer.contains("name") && layer["name"].is_string()) {
            name = layer["name"].get<std::string>();
        } else if (layer.is_object() && layer.contains("type") && layer["type"].is_string()) {
            name = names.unique(layer["type"].get<std::string>());
        }
        names.take(name);
        out.push_back(name);
    }
    return out;
}

std::string step_text(const std::vector<SettingStep>& steps, size_t count) {
    std::string text;
    for (size_t i = 0; i < count; ++i) {
        if (const auto* key = std::get_if<std::string>(&steps[i])) {
            text += (text.empty() ? "" : ".") + *key;
        } else {
            text += "[" + std::to_string(std::get<size_t>(steps[i])) + "]";
        }
    }
    return text;
}

}  // namespace

std::vector<SettingStep> parse_setting_path(std::string_view path) {
    std::vector<SettingStep> steps;
    size_t at = 0;
    const auto expected = [&](const std::string& what) {
        fail(path, "not a setting path (" + what +
                       "); expected keys joined by '.', with [index] after an array: "
                       "train.loss, model.layers[1].units, model.layers.dense_1.rate");
    };
    if (path.empty()) expected("it is empty");
    while (at <= path.size()) {
        const size_t end = path.find_first_of(".[", at);
        const std::string_view key = path.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
        if (key.empty()) expected("an empty key at character " + std::to_string(at + 1));
        steps.emplace_back(std::string(key));
        at = end == std::string_view::npos ? path.size() : end;
        while (at < path.size() && path[at] == '[') {
            const size_t close = path.find(']', at);
            if (close == std::string_view::npos) expected("'[' is not closed");
            size_t index = 0;
            const char* first = path.data() + at + 1;
            const char* last = path.data() + close;
            const auto [ptr, error] = std::from_chars(first, last, index);
            if (first == last || error != std::errc() || ptr != last) expected("an index is not a whole number");
            steps.emplace_back(index);
            at = close + 1;
        }
        if (at >= path.size()) break;
        if (path[at] != '.') expected("'" + std::string(1, path[at]) + "' after ']'");
        ++at;
    }
    return steps;
}

std::string set_setting(Description& root, std::string_view path, const Description& value) {
    std::vector<SettingStep> steps = parse_setting_path(path);
    Description* at = &root;
    for (size_t i = 0; i < steps.size(); ++i) {
        const bool last = i + 1 == steps.size();
        const std::string where = step_text(steps, i);
        if (const size_t* index = std::get_if<size_t>(&steps[i])) {
            if (!at->is_array())
                fail(path, "\"" + where + "\" is not an array, so it has no [" + std::to_string(*index) + "]");
            if (*index >= at->size()) {
                fail(path, "\"" + where + "\" holds " + std::to_string(at->size()) + " entries (indices 0 to " +
                               std::to_string(static_cast<int64_t>(at->size()) - 1) + "), found [" +
                               std::to_string(*index) + "]");
            }
            at = &(*at)[*index];
        } else {
            const std::string& key = std::get<std::string>(steps[i]);
            if (at->is_array()) {  // a layer by name
                const std::vector<std::string> names = layer_names(*at);
                const auto it = std::find(names.begin(), names.end(), key);
                if (it == names.end()) {
                    fail(path, "no layer named \"" + key + "\" in \"" + where + "\"; its layers are " +
                                   (names.empty() ? std::string("none") : join(names)));
                }
                steps[i] = static_cast<size_t>(it - names.begin());
                at = &(*at)[static_cast<size_t>(it - names.begin())];
            } else {
                if (at->is_null()) *at = Description::object();
                if (!at->is_object())
                    fail(path,
                         "\"" + where + "\" is " + config::describe(*at) + ", not a table with a \"" + key + "\"");
                at = &(*at)[key];
            }
        }
        if (last) *at = value;
    }
    return step_text(steps, steps.size());
}

Description setting_value(std::string_view text) {
    try {
        const config::Document document = config::parse_toml("value = " + std::string(text), "--set");
        if (document.tree.contains("value") && document.tree.size() == 1) return document.tree["value"];
    } catch (const Error&) {
    }
    return std::string(text);
}

}  // namespace nnlab
