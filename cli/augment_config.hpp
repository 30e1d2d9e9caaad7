// The [augment] table of an experiment file: Keras ImageDataGenerator arguments by their Keras names.
#pragma once

#include <toml++/toml.h>

#include "cli/config_reader.hpp"
#include "nnlab/data/augment.hpp"

namespace nnlab::cli {

// Reads and checks every key (unknown keys, types and ranges are errors naming the line).
AugmentConfig read_augment_config(const ConfigReader& table);
// The config as a TOML table, every key that differs from Keras's default (for the resolved config).
toml::table augment_config_to_toml(const AugmentConfig& config);

}  // namespace nnlab::cli
