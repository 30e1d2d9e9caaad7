// ParameterGroup — reading the groups and cutting the arena into runs.
#include "nnlab/optim/parameter_group.hpp"

#include <fnmatch.h>

#include <limits>

#include "nnlab/core/error.hpp"

namespace nnlab {

std::vector<ParameterGroup> parameter_groups_from(const config::Reader& optimizer) {
    std::vector<ParameterGroup> groups;
    if (!optimizer.has("param_groups")) return groups;
    for (const config::Reader& d : optimizer.tables("param_groups")) {
        d.reject_unknown({"params", "learning_rate_multiplier", "weight_decay", "until_epoch"});
        ParameterGroup group;
        group.params = d.require_string("params");
        if (group.params.empty()) d.fail("params", "expected a pattern of weight names, found \"\"");
        group.learning_rate_multiplier =
            d.number(
                 "learning_rate_multiplier", [](double v) { return v >= 0.0; }, "a number >= 0")
                .value_or(1.0);
        group.weight_decay = d.number(
            "weight_decay", [](double v) { return v >= 0.0; }, "a number >= 0");
        if (const auto until = d.integer("until_epoch", 0, std::numeric_limits<int>::max()))
            group.until_epoch = static_cast<int>(*until);
        groups.push_back(std::move(group));
    }
    return groups;
}

nlohmann::json parameter_groups_description(const std::vector<ParameterGroup>& groups) {
    nlohmann::json out = nlohmann::json::array();
    for (const ParameterGroup& g : groups) {
        nlohmann::json d = {{"params", g.params}, {"learning_rate_multiplier", g.learning_rate_multiplier}};
        if (g.weight_decay) d["weight_decay"] = *g.weight_decay;
        if (g.until_epoch) d["until_epoch"] = *g.until_epoch;
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<GroupRun> assign_groups(const std::vector<ParameterGroup>& groups,
                                    const std::vector<NamedVariable>& variables, int64_t arena_size) {
    std::vector<bool> used(groups.size(), false);
    std::vector<GroupRun> runs;
    int64_t covered = 0;
    auto extend = [&](int group, int64_t end) {
        if (!runs.empty() && runs.back().group == group)
            runs.back().size = end - runs.back().offset;
        else
            runs.push_back({covered, end - covered, group});
        covered = end;
    };
    for (const NamedVariable& v : variables) {
        if (v.offset < covered || v.size < 0 || v.offset + v.size > arena_size) {
            throw Error(
                "parameter groups: weight " + v.name + " lies outside the arena or before the one listed ahead of it",
                ErrorKind::failure);
        }
        int group = -1;
        for (size_t g = 0; g < groups.size() && group < 0; ++g)
            if (::fnmatch(groups[g].params.c_str(), v.name.c_str(), 0) == 0) group = static_cast<int>(g);
        if (group >= 0) used[static_cast<size_t>(group)] = true;
        // The gap before a variable (the previous one's padding) goes with the previous run: its gradients are zero.
        if (v.offset > covered) extend(runs.empty() ? group : runs.back().group, v.offset);
        extend(group, v.offset + v.size);
    }
    if (covered < arena_size) extend(runs.empty() ? -1 : runs.back().group, arena_size);
    for (size_t g = 0; g < groups.size(); ++g) {
        if (!used[g]) {
            std::string names;
            for (size_t i = 0; i < variables.size() && i < 6; ++i) names += (i ? ", " : "") + variables[i].name;
            if (variables.size() > 6) names += ", …";
            throw KeyError("param_groups", "param_groups: the pattern \"" + groups[g].params +
                                               "\" matches none of the model's trainable weights (" + names + ")");
        }
    }
    return runs;
}

}  // namespace nnlab
