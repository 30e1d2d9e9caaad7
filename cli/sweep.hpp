// Sweep — an experiment file with a [sweep] table: every combination of the listed values becomes one
// variant of the experiment (nnlab compare runs them all, one after the other, with the same seed).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "cli/experiment.hpp"

namespace nnlab::cli {

struct SweepVariant {
    std::string label;  // "loss=hinge", "learning_rate=0.01 batch_size=128"
    Experiment experiment;
};

struct Sweep {
    std::string name;               // the experiment's name
    std::vector<std::string> keys;  // the swept keys, dotted ("train.loss")
    std::vector<SweepVariant> variants;
};

// Reads the file and checks every variant before anything runs. Each key of [sweep] names a setting as a dotted
// path ("train.loss", "optimizer.learning_rate", or "seed") and holds a non-empty array of values; an empty
// array, a key that names no setting, or a variant that does not check out is an error naming the key.
Sweep load_sweep(const std::filesystem::path& file);

}  // namespace nnlab::cli
