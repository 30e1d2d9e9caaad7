// Sweep — an experiment file with a [sweep] table: every combination of the listed values (mode = "grid", the
// default), or `samples` combinations drawn at random (mode = "random": a value from each list, or from a range
// { min, max, scale = "log" }), becomes one variant of the experiment (nnlab compare runs them all, one after the
// other, with the same seed).
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

// Reads the file and checks every variant before anything runs. Each key of [sweep] names a setting as a path
// into the experiment's tables (setting_path.hpp: "train.loss", "optimizer.learning_rate", "seed",
// "model.layers[1].units", "model.layers.dropout.rate") and holds a non-empty array of values (or, in random mode,
// a range); an empty array, a path that leads nowhere, a variant that does not check out or more than
// max_sweep_variants variants is an error naming the key. Random draws come from the experiment's seed.
Sweep load_sweep(const std::filesystem::path& file);

}  // namespace nnlab
