// Image files a test writes: small PNGs of one colour, for image-folder datasets.
#pragma once

#include <cstdint>
#include <filesystem>

namespace nnlab::testing {

// A height×width RGB PNG filled with one colour (value, value + 1, value + 2), so every image is recognisable;
// creates the folders on the way. Throws when it cannot be written.
void write_png(const std::filesystem::path& path, int height, int width, uint8_t value);

}  // namespace nnlab::testing
