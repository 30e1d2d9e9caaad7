// A small learnable image dataset: each class brightens its own band of pixels.
#pragma once

#include <cstdint>

#include "nnlab/data/dataset.hpp"

namespace nnlab::testing {

Dataset synthetic_images(int64_t count, int64_t classes, const Shape& image_shape, uint64_t seed);

}  // namespace nnlab::testing
