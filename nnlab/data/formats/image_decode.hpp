// Decoding JPEG (libjpeg-turbo) and PNG (libpng) files into uint8 RGB or grayscale pixels, and bilinear resizing
// (Keras: tf.io.decode_image with channels=3|1, and tf.image.resize(method="bilinear", antialias=False)).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace nnlab {

// The most pixels an image may have: PIL's MAX_IMAGE_PIXELS (a quarter GiB of 24-bit pixels), checked on the
// file's header before anything is allocated, so a small file claiming a huge image is refused at once.
constexpr int64_t max_image_pixels = 89'478'485;

enum class ColorMode { rgb, grayscale };  // Keras color_mode "rgb" (3 channels), "grayscale" (1 channel)

// Pixels (height, width, channels), row-major, channels last.
struct Image {
    int64_t height = 0;
    int64_t width = 0;
    int64_t channels = 0;
    std::vector<uint8_t> pixels;
};

// The file's format comes from its first bytes, not its name, as tf.io.decode_image does. Alpha is dropped;
// grayscale from colour is the luma 0.299 R + 0.587 G + 0.114 B (what libjpeg and TensorFlow use).
// Throws nnlab::Error naming the file when it cannot be read, is neither JPEG nor PNG, is corrupt or truncated (a
// partial image is never returned), or claims more than max_image_pixels.
Image decode_image(const std::filesystem::path& file, ColorMode mode);
// The same for bytes already in memory; `name` is only used in messages.
Image decode_image(std::span<const uint8_t> bytes, const std::string& name, ColorMode mode);

// Bilinear resize with half-pixel centres and no antialiasing, as tf.image.resize(method="bilinear"); results
// are rounded to the nearest uint8, halves up (Keras keeps them as float32). Throws nnlab::Error when the image is
// empty or the size is not positive or over max_image_pixels.
Image resize_bilinear(const Image& image, int64_t height, int64_t width);

}  // namespace nnlab
