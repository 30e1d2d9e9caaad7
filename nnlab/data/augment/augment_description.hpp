// The [augment] description: Keras ImageDataGenerator arguments by their Keras names (plus nnlab's random crop
// and cutout), read and written back with every default filled in.
#pragma once

#include "nnlab/config/reader.hpp"
#include "nnlab/data/augment/augment.hpp"

namespace nnlab {

// Reads and checks every key: unknown keys, types and ranges are config::ConfigErrors naming the key.
AugmentConfig augment_config_from(const config::Reader& description);
// Every key, what augment_config_from reads back.
config::Description augment_description(const AugmentConfig& config);

}  // namespace nnlab
