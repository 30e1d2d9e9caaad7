// ParameterGroup — a set of weights the optimizer treats apart (PyTorch: an optimizer's param_groups): their own
// learning-rate multiplier and weight decay, or updates only in the first epochs. Keras has no such argument; the
// airbench recipe trains batch-norm biases 64× faster and its whitening bias for three epochs only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/config/reader.hpp"

namespace nnlab {

struct ParameterGroup {
    // Which weights: a shell pattern (fnmatch: *, ?, [...]) over "layer/weight" names as the model file names them,
    // "batch_normalization*/beta" or "conv2d_3/kernel". A weight belongs to the first group that matches it.
    std::string params;
    double learning_rate_multiplier = 1.0;  // >= 0: the step's learning rate times this for these weights
    std::optional<double> weight_decay;     // >= 0; default: the optimizer's (decoupled, with the group's rate)
    std::optional<int> until_epoch;         // updated only in epochs 0 … until_epoch − 1, then left as they are
};

// From `[[optimizer.param_groups]]` / `param_groups = [{ params = "…", … }]`. Throws config::ConfigError naming the
// key and what was expected.
std::vector<ParameterGroup> parameter_groups_from(const config::Reader& optimizer);
nlohmann::json parameter_groups_description(const std::vector<ParameterGroup>& groups);

// One weight of the model as the optimizer sees it: its name and where it lies in the arenas, in floats.
struct NamedVariable {
    std::string name;
    int64_t offset = 0;
    int64_t size = 0;
};

// A run of the arena whose weights share a group (-1: none), the unit the optimizer updates in one call.
struct GroupRun {
    int64_t offset = 0;
    int64_t size = 0;
    int group = -1;
};

// The arena [0, arena_size) cut into runs: each variable goes to the first group whose pattern matches its name,
// neighbours of the same group (padding between them included) make one run. Throws nnlab::Error naming a group's
// pattern when it matches no variable (a typo would otherwise change nothing).
std::vector<GroupRun> assign_groups(const std::vector<ParameterGroup>& groups,
                                    const std::vector<NamedVariable>& variables, int64_t arena_size);

}  // namespace nnlab
