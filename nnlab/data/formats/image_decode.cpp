// Decoding JPEG (libjpeg-turbo) and PNG (libpng) files into uint8 RGB or grayscale pixels, and bilinear resizing.
#include "nnlab/data/formats/image_decode.hpp"

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE and size_t declared before it
#include <jpeglib.h>
#include <jerror.h>
// clang-format on
#include <png.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <csetjmp>
#include <cstring>
#include <fstream>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

constexpr std::array<uint8_t, 3> jpeg_signature = {0xFF, 0xD8, 0xFF};
constexpr std::array<uint8_t, 8> png_signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

bool starts_with(std::span<const uint8_t> bytes, std::span<const uint8_t> prefix) {
    return bytes.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin());
}

std::string pixels_text(uint64_t width, uint64_t height) {
    return std::to_string(width) + "×" + std::to_string(height) + " (width×height)";
}

// Checked on the header's dimensions, before any pixel buffer is allocated.
void check_pixel_count(uint64_t width, uint64_t height, const std::string& format, const std::string& name) {
    if (width * height > static_cast<uint64_t>(max_image_pixels)) {  // each is below 2^32: no overflow
        throw Error("cannot decode " + format + " " + name + ": its header claims " + pixels_text(width, height) +
                    " pixels, more than the " + std::to_string(max_image_pixels) +
                    " nnlab decodes (PIL's MAX_IMAGE_PIXELS); the file is corrupt, or resize the image");
    }
}

// libjpeg reports errors by calling error_exit, which must not return; we jump back to decode_jpeg_into with the
// message. The jump only crosses libjpeg's C frames, so no C++ destructor is skipped.
struct JpegErrors {
    jpeg_error_mgr base;
    std::jmp_buf jump;
    std::array<char, JMSG_LENGTH_MAX> message;
};

[[noreturn]] void jpeg_fail(j_common_ptr info) {
    auto* errors = reinterpret_cast<JpegErrors*>(info->err);
    (*info->err->format_message)(info, errors->message.data());
    std::longjmp(errors->jump, 1);
}

// Warnings that mean pixels are missing are errors: libjpeg would fill the rest of the image with grey, and a
// partial image must not be classified as if it were whole (TensorFlow refuses a truncated file too). The others
// (an unknown JFIF revision, stray bytes between markers) are ignored. Nothing is printed (library code never
// prints).
void jpeg_message(j_common_ptr info, int level) {
    if (level != -1) return;
    switch (info->err->msg_code) {
        case JWRN_JPEG_EOF:       // the file ends early
        case JWRN_HIT_MARKER:     // the compressed data ends early
        case JWRN_HUFF_BAD_CODE:  // or is corrupt
        case JWRN_ARITH_BAD_CODE:
        case JWRN_MUST_RESYNC:  // a restart interval is lost
        case JWRN_BOGUS_PROGRESSION:
            jpeg_fail(info);
        default:
            return;
    }
}

void jpeg_silent(j_common_ptr) {}

// A real progressive JPEG has about ten scans; each scan is a pass over the whole image, so a file of thousands of
// tiny scans would take minutes to decode.
constexpr long max_jpeg_scans = 256;

void jpeg_count_scans(j_common_ptr info) {
    const auto* decompress = reinterpret_cast<j_decompress_ptr>(info);
    if (decompress->input_scan_number > max_jpeg_scans) {
        auto* errors = reinterpret_cast<JpegErrors*>(info->err);
        std::snprintf(errors->message.data(), errors->message.size(), "more than %ld scans", max_jpeg_scans);
        std::longjmp(errors->jump, 1);
    }
}

// Returns false with the message in `errors->message` when libjpeg reports an error, or the header's dimensions in
// `*width`, `*height` when they are over the limit.
bool decode_jpeg_into(std::span<const uint8_t> bytes, ColorMode mode, Image* out, JpegErrors* errors, uint64_t* width,
                      uint64_t* height) {
    jpeg_decompress_struct info;
    jpeg_progress_mgr progress{};
    info.err = jpeg_std_error(&errors->base);
    errors->base.error_exit = jpeg_fail;
    errors->base.emit_message = jpeg_message;
    errors->base.output_message = jpeg_silent;
    if (setjmp(errors->jump)) {
        jpeg_destroy_decompress(&info);
        return false;
    }
    jpeg_create_decompress(&info);
    progress.progress_monitor = jpeg_count_scans;
    info.progress = &progress;
    jpeg_mem_src(&info, bytes.data(), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&info, TRUE);
    *width = info.image_width;
    *height = info.image_height;
    if (*width * *height > static_cast<uint64_t>(max_image_pixels)) {
        jpeg_destroy_decompress(&info);
        return true;  // the caller reports the size
    }
    // Grey straight from libjpeg is the luma the encoder stored, as tf.io.decode_jpeg(channels=1) gives.
    info.out_color_space = mode == ColorMode::grayscale ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&info);
    out->height = info.output_height;
    out->width = info.output_width;
    out->channels = info.output_components;
    out->pixels.resize(static_cast<size_t>(out->height * out->width * out->channels));
    const size_t stride = static_cast<size_t>(out->width * out->channels);
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = out->pixels.data() + info.output_scanline * stride;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    return true;
}

Image decode_jpeg(std::span<const uint8_t> bytes, const std::string& name, ColorMode mode) {
    Image image;
    JpegErrors errors{};
    uint64_t width = 0, height = 0;
    if (!decode_jpeg_into(bytes, mode, &image, &errors, &width, &height)) {
        throw Error("cannot decode JPEG " + name + ": " + errors.message.data() +
                    "; the file is corrupt or truncated — replace or remove it");
    }
    check_pixel_count(width, height, "JPEG", name);
    return image;
}

// Deflate stores at most 1032 bytes in one (a run of zeros, each 258-byte match in a one-bit code), so a file
// whose header claims more pixels than its bytes could hold, even at one bit per pixel, is truncated or corrupt.
void check_png_can_hold(const png_image& png, size_t file_bytes, const std::string& name) {
    constexpr uint64_t deflate_ratio = 1032;
    const uint64_t least_bytes = uint64_t{png.height} * (1 + (uint64_t{png.width} + 7) / 8);  // a filter byte a row
    if (least_bytes > deflate_ratio * file_bytes) {
        throw Error("cannot decode PNG " + name + ": its header claims " + pixels_text(png.width, png.height) +
                    " pixels, at least " + std::to_string(least_bytes) + " bytes uncompressed, which its " +
                    std::to_string(file_bytes) +
                    " bytes cannot hold; the file is corrupt or truncated — replace or remove it");
    }
}

// libpng's simplified API reports errors through its return value, so no jump is needed. Files are read as
// 8-bit RGBA and alpha is dropped, as tf.io.decode_png(channels=3) strips it.
Image decode_png(std::span<const uint8_t> bytes, const std::string& name, ColorMode mode) {
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    const auto fail = [&](const char* stage) {
        const std::string detail = png.message;
        png_image_free(&png);
        throw Error("cannot decode PNG " + name + " (" + stage + "): " + detail +
                    "; the file is corrupt or truncated — replace or remove it");
    };
    if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size())) fail("header");
    try {
        check_pixel_count(png.width, png.height, "PNG", name);
        check_png_can_hold(png, bytes.size(), name);
    } catch (const Error&) {
        png_image_free(&png);
        throw;
    }
    png.format = PNG_FORMAT_RGBA;
    std::vector<uint8_t> rgba(PNG_IMAGE_SIZE(png));
    if (!png_image_finish_read(&png, nullptr, rgba.data(), 0, nullptr)) fail("pixels");
    Image image;
    image.height = png.height;
    image.width = png.width;
    image.channels = mode == ColorMode::grayscale ? 1 : 3;
    const size_t count = static_cast<size_t>(image.height * image.width);
    image.pixels.resize(count * static_cast<size_t>(image.channels));
    for (size_t p = 0; p < count; ++p) {
        const uint8_t* in = rgba.data() + 4 * p;
        if (mode == ColorMode::grayscale) {
            // Integer luma: a grey pixel (R = G = B) comes back unchanged.
            image.pixels[p] = static_cast<uint8_t>((299 * in[0] + 587 * in[1] + 114 * in[2] + 500) / 1000);
        } else {
            std::copy(in, in + 3, image.pixels.data() + 3 * p);
        }
    }
    return image;
}

}  // namespace

Image decode_image(std::span<const uint8_t> bytes, const std::string& name, ColorMode mode) {
    if (starts_with(bytes, jpeg_signature)) return decode_jpeg(bytes, name, mode);
    if (starts_with(bytes, png_signature)) return decode_png(bytes, name, mode);
    throw Error(
        "cannot decode image " + name + ": expected a JPEG (starting FF D8 FF) or a PNG file, found " +
        (bytes.empty() ? std::string("an empty file") : "other contents (" + std::to_string(bytes.size()) + " bytes)") +
        "; replace or remove it");
}

Image decode_image(const std::filesystem::path& file, ColorMode mode) {
    std::error_code error;
    if (std::filesystem::is_directory(file, error))
        throw Error("cannot read image " + file.string() + ": it is a folder, not a PNG or JPEG file");
    // Even stored uncompressed as 16-bit RGBA, an image of max_image_pixels takes 716 MB; a larger file is not one
    // nnlab would decode, and is refused before it is read.
    constexpr uintmax_t max_file_bytes = uintmax_t{1} << 30;
    if (const uintmax_t bytes = std::filesystem::file_size(file, error); !error && bytes > max_file_bytes) {
        throw Error("cannot read image " + file.string() + ": it is " + std::to_string(bytes) +
                    " bytes, more than the " + std::to_string(max_file_bytes) + " any image of at most " +
                    std::to_string(max_image_pixels) + " pixels takes; the file is corrupt or not an image");
    }
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Error("cannot open image " + file.string() + " for reading; check that it exists and its permissions");
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw Error("cannot read image " + file.string());
    return decode_image(bytes, file.string(), mode);
}

Image resize_bilinear(const Image& image, int64_t height, int64_t width) {
    if (height <= 0 || width <= 0) {
        throw Error("image_size must be positive, found (" + std::to_string(height) + ", " + std::to_string(width) +
                    ")");
    }
    if (height > max_image_pixels / width) {
        throw Error("image_size (" + std::to_string(height) + ", " + std::to_string(width) + ") is more than the " +
                    std::to_string(max_image_pixels) + " pixels nnlab decodes; choose a smaller size");
    }
    if (image.height <= 0 || image.width <= 0 || image.channels <= 0 ||
        image.pixels.size() != static_cast<size_t>(image.height * image.width * image.channels)) {
        throw Error("cannot resize an empty or inconsistent image (" + std::to_string(image.height) + "×" +
                    std::to_string(image.width) + "×" + std::to_string(image.channels) + ", " +
                    std::to_string(image.pixels.size()) + " bytes)");
    }
    // Source coordinate of every output row or column: half-pixel centres, float arithmetic as TensorFlow's
    // CPU kernel, so results match it up to the final rounding.
    struct Tap {
        int64_t lower, upper;
        float lerp;
    };
    const auto taps = [](int64_t in_size, int64_t out_size) {
        const float scale = static_cast<float>(in_size) / static_cast<float>(out_size);
        std::vector<Tap> result(static_cast<size_t>(out_size));
        for (int64_t i = 0; i < out_size; ++i) {
            const float in = (static_cast<float>(i) + 0.5f) * scale - 0.5f;
            const float in_floor = std::floor(in);
            result[static_cast<size_t>(i)] = {std::max<int64_t>(static_cast<int64_t>(in_floor), 0),
                                              std::min<int64_t>(static_cast<int64_t>(std::ceil(in)), in_size - 1),
                                              in - in_floor};
        }
        return result;
    };
    const std::vector<Tap> rows = taps(image.height, height), cols = taps(image.width, width);
    Image out;
    out.height = height;
    out.width = width;
    out.channels = image.channels;
    out.pixels.resize(static_cast<size_t>(height * width * image.channels));
    const int64_t c_count = image.channels;
    const auto at = [&](int64_t y, int64_t x, int64_t c) {
        return static_cast<float>(image.pixels[static_cast<size_t>((y * image.width + x) * c_count + c)]);
    };
    for (int64_t y = 0; y < height; ++y) {
        const Tap& r = rows[static_cast<size_t>(y)];
        for (int64_t x = 0; x < width; ++x) {
            const Tap& k = cols[static_cast<size_t>(x)];
            for (int64_t c = 0; c < c_count; ++c) {
                const float top_left = at(r.lower, k.lower, c), top_right = at(r.lower, k.upper, c);
                const float bottom_left = at(r.upper, k.lower, c), bottom_right = at(r.upper, k.upper, c);
                const float top = top_left + (top_right - top_left) * k.lerp;
                const float bottom = bottom_left + (bottom_right - bottom_left) * k.lerp;
                const float value = top + (bottom - top) * r.lerp;
                out.pixels[static_cast<size_t>((y * width + x) * c_count + c)] =
                    static_cast<uint8_t>(std::clamp(std::round(value), 0.0f, 255.0f));
            }
        }
    }
    return out;
}

}  // namespace nnlab
