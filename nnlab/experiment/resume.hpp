// Resuming a run — the experiment a run folder was started with, checked against the one named again, and the
// keys that may change when a run continues.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "nnlab/config/reader.hpp"
#include "nnlab/experiment/experiment.hpp"

namespace nnlab {

// The dotted paths ("train.batch_size", "model.layers[1].units") at which two descriptions differ: a value
// changed, added or removed. Arrays of different lengths differ at the array's own path.
std::vector<std::string> changed_keys(const config::Description& before, const config::Description& after);

// Settings a continued run may change, because they do not change what is computed: train.epochs (extends the
// run, as Keras's initial_epoch), train.verbose, data.workers (every image draws from its own stream), threads
// (changes only the last bits of sums; the run then differs from the uninterrupted one in those bits), and how
// often the state is saved.
const std::vector<std::string>& keys_a_resume_may_change();

// The experiment in `run_folder`/config.toml, for continuing that run. Throws nnlab::Error when the folder is not a
// run folder or holds no training state (state/). With `given` (the experiment file named on the command line
// too), every key that differs but keys_a_resume_may_change() is an error that lists them; the given file's
// values of those keys are used.
Experiment experiment_to_resume(const std::filesystem::path& run_folder, const std::optional<Experiment>& given);

}  // namespace nnlab
