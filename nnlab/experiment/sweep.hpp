// Sweep — an experiment file with a [sweep] table: every combination of the listed values becomes one variant of
// the experiment (nnlab compare runs them all, one after the other, with the same seed).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "nnlab/experiment/experiment.hpp"

namespace nnlab {

struct SweepVariant {
    std::string label;  // "loss=hinge", "learning_rate=0.01 batch_size=128"
    Experiment experiment;
};

struct Sweep {
    std::string name;               // the experiment's name
    std::vector<std::string> keys;  // the swept keys, dotted ("train.loss")
    std::vector<SweepVariant> variants;
};

// The most variants a sweep may make: each trains a model, so more is a mistake, and checking them all before
// the first runs must stay quick.
inline constexpr size_t max_sweep_variants = 10'000;

// Reads the file and checks every variant before anything runs. Each key of [sweep] names a setting as a dotted
// path into the experiment's tables ("train.loss", "optimizer.learning_rate", "seed") and holds a non-empty array
// of values; an empty array, a key that names no setting, a variant that does not check out or more than
// max_sweep_variants combinations is an error naming the key.
Sweep load_sweep(const std::filesystem::path& file);

}  // namespace nnlab
