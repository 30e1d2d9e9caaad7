// Resuming a run: the run folder's own experiment, and what may differ from it.
#include "nnlab/experiment/resume.hpp"

#include <algorithm>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/train/callbacks/backup_and_restore.hpp"

namespace nnlab {
namespace {

void collect_changes(const config::Description& before, const config::Description& after, const std::string& path,
                     std::vector<std::string>& changes) {
    if (before.is_object() && after.is_object()) {
        for (const auto& [key, value] : before.items()) {
            const std::string child = path.empty() ? key : path + "." + key;
            if (!after.contains(key))
                changes.push_back(child);
            else
                collect_changes(value, after[key], child, changes);
        }
        for (const auto& [key, value] : after.items())
            if (!before.contains(key)) changes.push_back(path.empty() ? key : path + "." + key);
        return;
    }
    if (before.is_array() && after.is_array() && before.size() == after.size()) {
        for (size_t i = 0; i < before.size(); ++i)
            collect_changes(before[i], after[i], path + "[" + std::to_string(i) + "]", changes);
        return;
    }
    if (before != after) changes.push_back(path);
}

}  // namespace

std::vector<std::string> changed_keys(const config::Description& before, const config::Description& after) {
    std::vector<std::string> changes;
    collect_changes(before, after, "", changes);
    return changes;
}

const std::vector<std::string>& keys_a_resume_may_change() {
    static const std::vector<std::string> keys{"train.epochs",   "train.verbose",           "data.workers",
                                               "threads",        "train.state_every_steps", "train.state_every_minutes",
                                               "train.tta_level"};
    return keys;
}

Experiment experiment_to_resume(const std::filesystem::path& run_folder, const std::optional<Experiment>& given) {
    const std::filesystem::path config = run_folder / "config.toml";
    std::error_code error;
    if (!std::filesystem::is_directory(run_folder, error))
        throw Error("--resume: " + run_folder.string() + " is not a folder; expected the run folder to continue");
    if (!std::filesystem::exists(config, error)) {
        throw Error("--resume: " + run_folder.string() +
                    " has no config.toml; expected a run folder that nnlab train wrote");
    }
    if (!has_backup(run_folder / "state")) {
        throw Error("--resume: " + run_folder.string() +
                    " holds no training state (state/training_state.safetensors); " +
                    "it was written before nnlab saved one, or its state was deleted: it cannot be continued");
    }
    Experiment saved = load_experiment(config);
    if (!given) return saved;
    const auto& allowed = keys_a_resume_may_change();
    std::vector<std::string> refused;
    for (const std::string& key : changed_keys(saved.description(), given->description()))
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) refused.push_back(key);
    if (!refused.empty()) {
        throw Error(given->file.string() + ": differs from the run being continued (" + config.string() + ") in " +
                    join(refused) + "; a continued run must be the same experiment (only " + join(allowed) +
                    " may change). Start a new run instead, or resume without the experiment file");
    }
    saved.epochs = given->epochs;
    saved.verbose = given->verbose;
    saved.workers = given->workers;
    if (given->threads > 0) saved.threads = given->threads;
    saved.state_every_steps = given->state_every_steps;
    saved.state_every_minutes = given->state_every_minutes;
    return saved;
}

}  // namespace nnlab
