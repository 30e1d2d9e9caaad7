// Image files a test writes: PNGs of given pixels, or of one colour for image-folder datasets.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace nnlab::testing {

// A height×width RGB PNG filled with one colour (value, value + 1, value + 2), so every image is recognisable;
// creates the folders on the way. Throws when it cannot be written.
void write_png(const std::filesystem::path& path, int height, int width, uint8_t value);

// A height×width PNG of `pixels` (row-major, interleaved): grey, RGB or RGBA by `channels` (1, 3 or 4).
void write_png(const std::filesystem::path& path, int height, int width, int channels,
               const std::vector<uint8_t>& pixels);

}  // namespace nnlab::testing
