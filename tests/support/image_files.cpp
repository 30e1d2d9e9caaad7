// Image files a test writes.
#include "tests/support/image_files.hpp"

#include <png.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace nnlab::testing {

void write_png(const std::filesystem::path& path, int height, int width, uint8_t value) {
    std::filesystem::create_directories(path.parent_path());
    std::vector<uint8_t> pixels(static_cast<size_t>(height) * static_cast<size_t>(width) * 3);
    for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(value + i % 3);
    write_png(path, height, width, 3, pixels);
}

void write_png(const std::filesystem::path& path, int height, int width, int channels,
               const std::vector<uint8_t>& pixels) {
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    png.width = static_cast<png_uint_32>(width);
    png.height = static_cast<png_uint_32>(height);
    png.format = channels == 1 ? PNG_FORMAT_GRAY : channels == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_RGBA;
    if (!png_image_write_to_file(&png, path.c_str(), 0, pixels.data(), 0, nullptr))
        throw std::runtime_error("cannot write " + path.string() + ": " + png.message);
}

}  // namespace nnlab::testing
