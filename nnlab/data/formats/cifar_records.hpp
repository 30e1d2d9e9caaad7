// The image of a CIFAR-10 or CIFAR-100 binary record: three 32×32 colour planes, turned channels last.
#pragma once

#include <cstdint>

namespace nnlab {

// The files store R, G and B as separate row-major 32×32 planes; datasets here are (32, 32, 3), so the
// 3,072 bytes at `planes` are interleaved into the 3,072 bytes at `out`.
void planes_to_channels_last(const uint8_t* planes, uint8_t* out);

}  // namespace nnlab
