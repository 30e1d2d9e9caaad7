// Tests of JPEG/PNG decoding on files written here with libjpeg and libpng, and of TensorFlow-style bilinear resize.
#include "nnlab/data/formats/image_decode.hpp"

// clang-format off
#include <cstdio>
#include <jpeglib.h>
// clang-format on
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/core/resource_usage.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/image_files.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using nnlab::testing::any_error_message;
using nnlab::testing::TempDir;
using nnlab::testing::write_png;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A smooth test picture (JPEG keeps it close): channel c of (y, x) is 40 c + 5 y + 3 x.
std::vector<uint8_t> gradient(int height, int width, int channels) {
    std::vector<uint8_t> pixels(static_cast<size_t>(height * width * channels));
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            for (int c = 0; c < channels; ++c) {
                pixels[static_cast<size_t>((y * width + x) * channels + c)] =
                    static_cast<uint8_t>(40 * c + 5 * y + 3 * x);
            }
        }
    }
    return pixels;
}

void write_jpeg(const fs::path& path, int height, int width, int channels, const std::vector<uint8_t>& pixels) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    jpeg_compress_struct info;
    jpeg_error_mgr errors;
    info.err = jpeg_std_error(&errors);
    jpeg_create_compress(&info);
    jpeg_stdio_dest(&info, file);
    info.image_width = static_cast<JDIMENSION>(width);
    info.image_height = static_cast<JDIMENSION>(height);
    info.input_components = channels;
    info.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, 100, TRUE);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = const_cast<uint8_t*>(pixels.data()) + info.next_scanline * static_cast<size_t>(width * channels);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    std::fclose(file);
}

int max_difference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
    EXPECT_EQ(a.size(), b.size());
    int worst = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
    return worst;
}

TEST(DecodeImage, PngRgbIsExact) {
    TempDir dir;
    const std::vector<uint8_t> pixels = gradient(5, 7, 3);
    write_png(dir / "a.png", 5, 7, 3, pixels);
    const Image image = decode_image(dir / "a.png", ColorMode::rgb);
    EXPECT_EQ(image.height, 5);
    EXPECT_EQ(image.width, 7);
    EXPECT_EQ(image.channels, 3);
    EXPECT_EQ(image.pixels, pixels);
}

TEST(DecodeImage, PngAlphaIsDroppedAndGreyBecomesThreeEqualChannels) {
    TempDir dir;
    write_png(dir / "rgba.png", 2, 3, 4, gradient(2, 3, 4));
    const Image rgb = decode_image(dir / "rgba.png", ColorMode::rgb);
    EXPECT_EQ(rgb.channels, 3);
    EXPECT_THAT(std::vector<uint8_t>(rgb.pixels.begin(), rgb.pixels.begin() + 6), ElementsAre(0, 40, 80, 3, 43, 83));

    write_png(dir / "grey.png", 2, 3, 1, gradient(2, 3, 1));
    const Image grey_as_rgb = decode_image(dir / "grey.png", ColorMode::rgb);
    EXPECT_THAT(std::vector<uint8_t>(grey_as_rgb.pixels.begin(), grey_as_rgb.pixels.begin() + 6),
                ElementsAre(0, 0, 0, 3, 3, 3));
    EXPECT_EQ(decode_image(dir / "grey.png", ColorMode::grayscale).pixels, gradient(2, 3, 1));
}

TEST(DecodeImage, PngGrayscaleFromColourIsLuma) {
    TempDir dir;
    write_png(dir / "c.png", 1, 3, 3, {255, 0, 0, 0, 255, 0, 10, 20, 200});
    const Image grey = decode_image(dir / "c.png", ColorMode::grayscale);
    EXPECT_EQ(grey.channels, 1);
    // 0.299·255 = 76.2, 0.587·255 = 149.7, 0.299·10 + 0.587·20 + 0.114·200 = 37.5 (rounded half up).
    EXPECT_THAT(grey.pixels, ElementsAre(76, 150, 38));
}

TEST(DecodeImage, JpegRgbAndGreyAreCloseToTheOriginal) {
    TempDir dir;
    const std::vector<uint8_t> rgb = gradient(16, 24, 3), grey = gradient(16, 24, 1);
    write_jpeg(dir / "rgb.jpg", 16, 24, 3, rgb);
    write_jpeg(dir / "grey.jpeg", 16, 24, 1, grey);
    const Image colour = decode_image(dir / "rgb.jpg", ColorMode::rgb);
    EXPECT_EQ(colour.height, 16);
    EXPECT_EQ(colour.width, 24);
    EXPECT_EQ(colour.channels, 3);
    EXPECT_LE(max_difference(colour.pixels, rgb), 6);
    const Image mono = decode_image(dir / "grey.jpeg", ColorMode::grayscale);
    EXPECT_EQ(mono.channels, 1);
    EXPECT_LE(max_difference(mono.pixels, grey), 2);
    // Colour JPEG read as grey: the luma of the original within JPEG noise.
    const Image luma = decode_image(dir / "rgb.jpg", ColorMode::grayscale);
    ASSERT_EQ(luma.channels, 1);
    std::vector<uint8_t> expected(16 * 24);
    for (size_t p = 0; p < expected.size(); ++p) {
        expected[p] = static_cast<uint8_t>(0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2] + 0.5);
    }
    EXPECT_LE(max_difference(luma.pixels, expected), 6);
}

TEST(DecodeImage, FormatComesFromTheBytesNotTheName) {
    TempDir dir;
    write_png(dir / "really_png.jpg", 2, 2, 3, gradient(2, 2, 3));
    EXPECT_EQ(decode_image(dir / "really_png.jpg", ColorMode::rgb).pixels, gradient(2, 2, 3));
}

TEST(DecodeImage, TruncatedJpegNamesTheFile) {
    TempDir dir;
    write_jpeg(dir / "cut.jpg", 16, 24, 3, gradient(16, 24, 3));
    fs::resize_file(dir / "cut.jpg", fs::file_size(dir / "cut.jpg") * 2 / 3);
    const std::string message = any_error_message([&] { decode_image(dir / "cut.jpg", ColorMode::rgb); });
    EXPECT_THAT(message, HasSubstr((dir / "cut.jpg").string()));
    EXPECT_THAT(message, HasSubstr("JPEG"));
    EXPECT_THAT(message, HasSubstr("corrupt or truncated"));
}

TEST(DecodeImage, CorruptJpegHeaderNamesTheFile) {
    TempDir dir;
    const fs::path bad = dir.write("bad.jpg", std::string("\xFF\xD8\xFF\xE0") + " this is not a JPEG body");
    const std::string message = any_error_message([&] { decode_image(bad, ColorMode::rgb); });
    EXPECT_THAT(message, HasSubstr(bad.string()));
    EXPECT_THAT(message, HasSubstr("cannot decode JPEG"));
}

TEST(DecodeImage, TruncatedPngNamesTheFile) {
    TempDir dir;
    write_png(dir / "cut.png", 16, 24, 3, gradient(16, 24, 3));
    fs::resize_file(dir / "cut.png", fs::file_size(dir / "cut.png") / 2);
    const std::string message = any_error_message([&] { decode_image(dir / "cut.png", ColorMode::rgb); });
    EXPECT_THAT(message, HasSubstr((dir / "cut.png").string()));
    EXPECT_THAT(message, HasSubstr("cannot decode PNG"));
}

TEST(DecodeImage, OtherFilesAndMissingFilesAreErrors) {
    TempDir dir;
    const fs::path text = dir.write("notes.png", "just text");
    const std::string other = any_error_message([&] { decode_image(text, ColorMode::rgb); });
    EXPECT_THAT(other, HasSubstr(text.string()));
    EXPECT_THAT(other, HasSubstr("expected a JPEG"));
    const std::string empty = any_error_message([&] { decode_image(dir.write("empty.jpg", ""), ColorMode::rgb); });
    EXPECT_THAT(empty, HasSubstr("an empty file"));
    EXPECT_THAT(any_error_message([&] { decode_image(dir / "none.png", ColorMode::rgb); }),
                HasSubstr((dir / "none.png").string()));
}

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void put_big_endian(std::string& bytes, size_t at, uint32_t value, int width) {
    for (int i = 0; i < width; ++i) bytes[at + i] = static_cast<char>((value >> (8 * (width - 1 - i))) & 0xFF);
}

// A small real PNG whose IHDR claims width × height (its CRC recomputed, so only the size is wrong).
std::string png_claiming(const TempDir& dir, uint32_t width, uint32_t height) {
    write_png(dir / "small.png", 4, 4, 3, gradient(4, 4, 3));
    std::string bytes = read_bytes(dir / "small.png");
    put_big_endian(bytes, 16, width, 4);  // signature (8), length (4), "IHDR" (4), then width and height
    put_big_endian(bytes, 20, height, 4);
    const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(bytes.data() + 12), 17);  // "IHDR" and its 13 bytes
    put_big_endian(bytes, 29, static_cast<uint32_t>(crc), 4);
    return bytes;
}

// A small real baseline JPEG whose SOF0 claims width × height.
std::string jpeg_claiming(const TempDir& dir, uint16_t width, uint16_t height) {
    write_jpeg(dir / "small.jpg", 8, 8, 3, gradient(8, 8, 3));
    std::string bytes = read_bytes(dir / "small.jpg");
    const size_t sof = bytes.find("\xFF\xC0");
    EXPECT_NE(sof, std::string::npos);
    put_big_endian(bytes, sof + 5, height, 2);  // marker (2), length (2), precision (1), then height and width
    put_big_endian(bytes, sof + 7, width, 2);
    return bytes;
}

TEST(DecodeImage, FileLargerThanAnyImageIsRefusedWithoutReadingIt) {
    TempDir dir;
    const fs::path big = dir.write("big.png", png_claiming(dir, 4, 4));
    fs::resize_file(big, uint64_t{2} << 30);  // a hole: no disk used
    const double peak_before = peak_rss_mb();
    EXPECT_THAT(any_error_message([&] { decode_image(big, ColorMode::rgb); }),
                HasSubstr("cannot read image " + big.string() + ": it is 2147483648 bytes, more than the 1073741824"));
    EXPECT_LT(peak_rss_mb() - peak_before, 100.0) << "the file's 2 GB were read";
}

TEST(DecodeImage, PngClaimingMoreThanThePixelLimitIsRefusedBeforeAnyAllocation) {
    TempDir dir;
    const fs::path huge = dir.write("huge.png", png_claiming(dir, 65500, 65500));
    const std::string message = any_error_message([&] { decode_image(huge, ColorMode::rgb); });
    EXPECT_THAT(message, HasSubstr("cannot decode PNG " + huge.string()));
    EXPECT_THAT(message, HasSubstr("claims 65500×65500 (width×height) pixels, more than the 89478485"));
}

TEST(DecodeImage, PngTooSmallForThePixelsItClaimsIsRefusedBeforeAnyAllocation) {
    TempDir dir;
    const fs::path claims = dir.write("claims.png", png_claiming(dir, 9000, 9000));  // under the limit
    const std::string message = any_error_message([&] { decode_image(claims, ColorMode::rgb); });
    EXPECT_THAT(message, HasSubstr("cannot decode PNG " + claims.string()));
    EXPECT_THAT(message, HasSubstr("claims 9000×9000 (width×height) pixels, at least 10134000 bytes uncompressed"));
    EXPECT_THAT(message, HasSubstr("cannot hold; the file is corrupt or truncated"));
}

TEST(DecodeImage, JpegClaimingMoreThanThePixelLimitIsRefusedBeforeAnyAllocation) {
    TempDir dir;
    const fs::path huge = dir.write("huge.jpg", jpeg_claiming(dir, 65500, 65500));
    const std::string message = any_error_message([&] { decode_image(huge, ColorMode::rgb); });
    EXPECT_THAT(message, HasSubstr("cannot decode JPEG " + huge.string()));
    EXPECT_THAT(message, HasSubstr("claims 65500×65500 (width×height) pixels, more than the 89478485"));
}

// libjpeg fills what its data does not reach with grey and only warns; such an image must not be classified.
TEST(DecodeImage, JpegWhoseDataEndsBeforeItsPixelsIsAnErrorNotAGreyImage) {
    TempDir dir;
    const fs::path larger = dir.write("larger.jpg", jpeg_claiming(dir, 64, 64));  // data for 8×8, then EOI
    EXPECT_THAT(any_error_message([&] { decode_image(larger, ColorMode::rgb); }),
                HasSubstr("cannot decode JPEG " + larger.string() +
                          ": Corrupt JPEG data: premature end of data "
                          "segment; the file is corrupt or truncated"));
    write_jpeg(dir / "cut.jpg", 32, 32, 3, gradient(32, 32, 3));
    std::string bytes = read_bytes(dir / "cut.jpg");
    const fs::path cut = dir.write("cut_closed.jpg", bytes.substr(0, bytes.size() * 2 / 3) + "\xFF\xD9");
    EXPECT_THAT(any_error_message([&] { decode_image(cut, ColorMode::grayscale); }),
                HasSubstr("cannot decode JPEG " + cut.string()));
}

// A progressive RGB JPEG of 384 valid scans: for each channel, the DC coefficient and then each of the 63 AC ones
// in a scan of its own, each scan sent in two halves (successive approximation). Every scan is a pass over the
// whole image, which is what makes thousands of them a way to stall a decoder.
std::string jpeg_of_384_scans(const TempDir& dir) {
    std::vector<jpeg_scan_info> scans;
    for (int c = 0; c < 3; ++c) {
        for (int k = 0; k < 64; ++k) {
            for (const auto& [ah, al] : {std::pair{0, 1}, std::pair{1, 0}}) {
                scans.push_back({.comps_in_scan = 1, .component_index = {c}, .Ss = k, .Se = k, .Ah = ah, .Al = al});
            }
        }
    }
    const fs::path path = dir / "scans.jpg";
    std::FILE* file = std::fopen(path.c_str(), "wb");
    jpeg_compress_struct info;
    jpeg_error_mgr errors;
    info.err = jpeg_std_error(&errors);
    jpeg_create_compress(&info);
    jpeg_stdio_dest(&info, file);
    info.image_width = 8;
    info.image_height = 8;
    info.input_components = 3;
    info.in_color_space = JCS_RGB;
    jpeg_set_defaults(&info);
    info.scan_info = scans.data();
    info.num_scans = static_cast<int>(scans.size());
    jpeg_start_compress(&info, TRUE);
    const std::vector<uint8_t> pixels = gradient(8, 8, 3);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = const_cast<uint8_t*>(pixels.data()) + info.next_scanline * 24;
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    std::fclose(file);
    return read_bytes(path);
}

TEST(DecodeImage, JpegOfMoreThan256ScansIsAnError) {
    TempDir dir;
    const fs::path scans = dir.write("many_scans.jpg", jpeg_of_384_scans(dir));
    EXPECT_THAT(any_error_message([&] { decode_image(scans, ColorMode::rgb); }),
                HasSubstr("cannot decode JPEG " + scans.string() + ": more than 256 scans"));
}

Image grey_image(int64_t height, int64_t width, std::vector<uint8_t> pixels) {
    return Image{.height = height, .width = width, .channels = 1, .pixels = std::move(pixels)};
}

// Values worked out by hand from tf.image.resize's half-pixel rule: source = (i + 0.5)·in/out − 0.5.
TEST(ResizeBilinear, UpscaleMatchesTensorFlowsHalfPixelRule) {
    const Image out = resize_bilinear(grey_image(2, 2, {0, 100, 200, 40}), 4, 4);
    ASSERT_EQ(out.pixels.size(), 16u);
    // Row 0 samples source row −0.25 → clamped to row 0; columns −0.25, 0.25, 0.75, 1.25.
    EXPECT_THAT(std::vector<uint8_t>(out.pixels.begin(), out.pixels.begin() + 4), ElementsAre(0, 25, 75, 100));
    // Row 1 samples source row 0.25: column 0 is 0 + 0.25·200 = 50; column 1 is 25 + 0.25·(160 − 25) = 58.75.
    EXPECT_EQ(out.pixels[4], 50);
    EXPECT_EQ(out.pixels[5], 59);
    EXPECT_THAT(std::vector<uint8_t>(out.pixels.begin() + 12, out.pixels.end()), ElementsAre(200, 160, 80, 40));
}

TEST(ResizeBilinear, HalvingAveragesPairsAndSameSizeIsIdentity) {
    const Image in = grey_image(2, 4, {10, 20, 30, 41, 50, 60, 70, 80});
    // Columns sample 0.5 and 2.5: means of (0, 1) and (2, 3); rows sample 0.5 of two rows.
    EXPECT_THAT(resize_bilinear(in, 1, 2).pixels, ElementsAre(35, 55));  // (10+20+50+60)/4, (30+41+70+80)/4 = 55.25
    EXPECT_EQ(resize_bilinear(in, 2, 4).pixels, in.pixels);
    const Image rgb{.height = 1, .width = 2, .channels = 3, .pixels = {0, 10, 20, 100, 110, 120}};
    EXPECT_THAT(resize_bilinear(rgb, 1, 1).pixels, ElementsAre(50, 60, 70));
}

TEST(ResizeBilinear, NonPositiveSizeIsAnError) {
    EXPECT_THAT(any_error_message([] { resize_bilinear(grey_image(1, 1, {0}), 0, 3); }), HasSubstr("(0, 3)"));
}

TEST(ResizeBilinear, SizeOverThePixelLimitOrAnEmptyImageIsAnError) {
    EXPECT_THAT(any_error_message([] { resize_bilinear(grey_image(1, 1, {0}), 1 << 20, 1 << 20); }),
                HasSubstr("image_size (1048576, 1048576) is more than the 89478485 pixels nnlab decodes"));
    EXPECT_THAT(any_error_message([] { resize_bilinear(grey_image(0, 0, {}), 2, 2); }),
                HasSubstr("cannot resize an empty or inconsistent image"));
}

}  // namespace
}  // namespace nnlab
