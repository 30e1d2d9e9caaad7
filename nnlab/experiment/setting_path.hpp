// Setting paths — one setting of an experiment named as a path into its tables, for `train --set KEY=VALUE` and
// the keys of [sweep]: "train.loss", "optimizer.learning_rate", "model.layers[1].units" (a layer by index) or
// "model.layers.dense_1.rate" (a layer by name: its `name`, else the one Keras would give it: dense, dense_1, …).
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "nnlab/config/reader.hpp"

namespace nnlab {

// One step of a path: a table's key, or an array's index.
using SettingStep = std::variant<std::string, size_t>;

// "model.layers[1].units" → model, layers, 1, units. Throws nnlab::KeyError(path) on an empty component, an
// unclosed bracket or an index that is not a whole number.
std::vector<SettingStep> parse_setting_path(std::string_view path);

// Sets `value` at `path` in `root` (an experiment's tree as read from its file), making the tables a missing key
// needs. In an array of layers a name selects the layer so named. Throws nnlab::KeyError(path) naming the step that
// leads nowhere: an index past the array, a name no layer has (listing the names), a step into a value that is not
// a table. Returns the path with layers by index ("model.layers[1].rate"), as errors about the tree name keys.
std::string set_setting(config::Description& root, std::string_view path, const config::Description& value);

// The value of `text` as TOML reads a value (1024, 0.2, true, [1, 2], { type = "adam" }, "a string"); text that is
// none of these is taken as a string, so that --set train.loss=hinge needs no quotes.
config::Description setting_value(std::string_view text);

}  // namespace nnlab
