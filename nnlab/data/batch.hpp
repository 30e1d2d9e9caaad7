// Turns uint8 images into a float batch: x = image / 255, y = one-hot label.
#pragma once

#include <cstdint>
#include <span>

#include "nnlab/data/dataset.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

// x: (n, H, W, C) and y: (n, num_classes), n = indices.size(); both already allocated.
void make_batch(const Dataset& data, std::span<const int64_t> indices, Tensor& x, Tensor& y);

}  // namespace nnlab
