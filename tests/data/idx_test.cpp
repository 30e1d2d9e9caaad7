// Tests of the IDX reader (MNIST, Fashion-MNIST) on small files written here, plain and gzip'd, and on the real
// Fashion-MNIST from Debian's dataset-fashion-mnist package.
#include "nnlab/data/formats/idx.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "nnlab/core/error.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/write_files.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using nnlab::testing::error_message;
using nnlab::testing::TempDir;
using nnlab::testing::write_file;
using ::testing::HasSubstr;

const std::vector<std::string> digits = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

void put_u32(std::string& out, uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
}

// An IDX file of `count` images rows×cols whose pixel (i, r, c) is (7 i + 3 r + c + salt) mod 256.
std::string idx_images(uint32_t count, uint32_t rows, uint32_t cols, int salt) {
    std::string out;
    put_u32(out, 0x00000803);
    put_u32(out, count);
    put_u32(out, rows);
    put_u32(out, cols);
    for (uint32_t i = 0; i < count; ++i) {
        for (uint32_t r = 0; r < rows; ++r) {
            for (uint32_t c = 0; c < cols; ++c) out += static_cast<char>((7 * i + 3 * r + c + salt) % 256);
        }
    }
    return out;
}

// Labels (i + first) mod 10.
std::string idx_labels(uint32_t count, int first) {
    std::string out;
    put_u32(out, 0x00000801);
    put_u32(out, count);
    for (uint32_t i = 0; i < count; ++i) out += static_cast<char>((i + first) % 10);
    return out;
}

void write_gzip(const fs::path& path, const std::string& bytes) {
    gzFile file = gzopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    ASSERT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
    ASSERT_EQ(gzclose(file), Z_OK);
}

// A folder with 12 training and 5 test images of 28×28; gzip'd or not.
struct SmallIdx {
    std::string train_images = idx_images(12, 28, 28, 0), train_labels = idx_labels(12, 3);
    std::string test_images = idx_images(5, 28, 28, 100), test_labels = idx_labels(5, 8);

    fs::path write(const fs::path& folder, bool gzip) const {
        fs::create_directories(folder);
        const std::string ext = gzip ? ".gz" : "";
        const auto put = [&](const std::string& name, const std::string& bytes) {
            if (gzip) {
                write_gzip(folder / (name + ext), bytes);
            } else {
                write_file(folder / name, bytes);
            }
        };
        put("train-images-idx3-ubyte", train_images);
        put("train-labels-idx1-ubyte", train_labels);
        put("t10k-images-idx3-ubyte", test_images);
        put("t10k-labels-idx1-ubyte", test_labels);
        return folder;
    }
};

void expect_small_idx(const DatasetSplits& splits) {
    ASSERT_EQ(splits.train.size(), 12);
    ASSERT_EQ(splits.test.size(), 5);
    EXPECT_EQ(splits.train.image_shape, (Shape{28, 28, 1}));
    EXPECT_EQ(splits.test.image_shape, (Shape{28, 28, 1}));
    EXPECT_EQ(splits.train.class_names, digits);
    EXPECT_THAT(splits.train.labels, ::testing::ElementsAre(3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4));
    EXPECT_THAT(splits.test.labels, ::testing::ElementsAre(8, 9, 0, 1, 2));
    // Image 2, row 5, column 9 of the training set: 7·2 + 3·5 + 9 = 38.
    EXPECT_EQ(splits.train.image(2)[5 * 28 + 9], 38);
    EXPECT_EQ(splits.test.image(4)[27 * 28 + 27], (7 * 4 + 3 * 27 + 27 + 100) % 256);
}

TEST(Idx, LoadsPlainFiles) {
    TempDir dir;
    expect_small_idx(load_idx_dataset(SmallIdx().write(dir / "plain", false), digits));
}

TEST(Idx, LoadsGzippedFiles) {
    TempDir dir;
    expect_small_idx(load_idx_dataset(SmallIdx().write(dir / "gz", true), digits));
}

TEST(Idx, PrefersThePlainFileWhenBothExist) {
    TempDir dir;
    const fs::path folder = SmallIdx().write(dir / "both", true);
    SmallIdx other;
    other.test_labels = idx_labels(5, 0);
    other.write(folder, false);
    EXPECT_THAT(load_idx_dataset(folder, digits).test.labels, ::testing::ElementsAre(0, 1, 2, 3, 4));
}

TEST(Idx, ReadIdxGivesDimensionsAndBytes) {
    TempDir dir;
    write_gzip(dir / "images.gz", idx_images(3, 4, 5, 0));
    const IdxArray array = read_idx(dir / "images.gz", 3);
    EXPECT_THAT(array.dims, ::testing::ElementsAre(3, 4, 5));
    ASSERT_EQ(array.data.size(), 60u);
    EXPECT_EQ(array.data[1 * 20 + 2 * 5 + 3], 7 + 6 + 3);
}

TEST(Idx, WrongMagicNumberSaysWhatWasFoundAndExpected) {
    TempDir dir;
    SmallIdx swapped;
    std::swap(swapped.train_images, swapped.train_labels);
    const fs::path folder = swapped.write(dir / "swapped", true);
    const std::string message = error_message([&] { load_idx_dataset(folder, digits); });
    EXPECT_THAT(message, HasSubstr((folder / "train-images-idx3-ubyte.gz").string()));
    EXPECT_THAT(message, HasSubstr("wrong magic number"));
    EXPECT_THAT(message, HasSubstr("expected 0x00000803 (images"));
    EXPECT_THAT(message, HasSubstr("found 0x00000801 (labels"));

    write_file(dir / "junk", "GIF89a and more bytes");
    const std::string junk = error_message([&] { read_idx(dir / "junk", 1); });
    EXPECT_THAT(junk, HasSubstr((dir / "junk").string()));
    EXPECT_THAT(junk, HasSubstr("expected 0x00000801"));
    EXPECT_THAT(junk, HasSubstr("found 0x47494638 (not an IDX file"));
}

TEST(Idx, TruncatedDataSaysExpectedAndFoundBytes) {
    TempDir dir;
    SmallIdx cut;
    cut.test_images.resize(cut.test_images.size() - 100);  // 16 + 5·784 = 3,936 bytes in full
    const fs::path plain = cut.write(dir / "plain", false);
    const std::string message = error_message([&] { load_idx_dataset(plain, digits); });
    EXPECT_THAT(message, HasSubstr((plain / "t10k-images-idx3-ubyte").string()));
    EXPECT_THAT(message, HasSubstr("truncated"));
    EXPECT_THAT(message, HasSubstr("needs 3,936 bytes, found 3,836"));

    const fs::path gz = cut.write(dir / "gz", true);
    const std::string from_gz = error_message([&] { load_idx_dataset(gz, digits); });
    EXPECT_THAT(from_gz, HasSubstr((gz / "t10k-images-idx3-ubyte.gz").string()));
    EXPECT_THAT(from_gz, HasSubstr("needs 3,936 bytes, found 3,836"));
}

TEST(Idx, TruncatedGzipStreamIsAnError) {
    TempDir dir;
    const fs::path folder = SmallIdx().write(dir / "gz", true);
    const fs::path file = folder / "train-images-idx3-ubyte.gz";
    fs::resize_file(file, fs::file_size(file) / 2);
    const std::string message = error_message([&] { load_idx_dataset(folder, digits); });
    EXPECT_THAT(message, HasSubstr(file.string()));
    EXPECT_THAT(message, HasSubstr("truncated"));
}

TEST(Idx, TruncatedHeaderIsAnError) {
    TempDir dir;
    write_file(dir / "short", idx_images(2, 28, 28, 0).substr(0, 10));
    const std::string message = error_message([&] { read_idx(dir / "short", 3); });
    EXPECT_THAT(message, HasSubstr((dir / "short").string()));
    EXPECT_THAT(message, HasSubstr("header needs 16 bytes, found 10"));
}

TEST(Idx, ExtraBytesAfterTheDataAreAnError) {
    TempDir dir;
    write_file(dir / "long", idx_labels(4, 0) + "xx");
    const std::string message = error_message([&] { read_idx(dir / "long", 1); });
    EXPECT_THAT(message, HasSubstr((dir / "long").string()));
    EXPECT_THAT(message, HasSubstr("longer than its header says"));
}

TEST(Idx, ImageAndLabelCountsMustMatch) {
    TempDir dir;
    SmallIdx mismatched;
    mismatched.train_labels = idx_labels(11, 0);
    const fs::path folder = mismatched.write(dir / "m", false);
    const std::string message = error_message([&] { load_idx_dataset(folder, digits); });
    EXPECT_THAT(message, HasSubstr((folder / "train-images-idx3-ubyte").string()));
    EXPECT_THAT(message, HasSubstr((folder / "train-labels-idx1-ubyte").string()));
    EXPECT_THAT(message, HasSubstr("12 images"));
    EXPECT_THAT(message, HasSubstr("11 labels"));
}

TEST(Idx, LabelOfTenOrMoreIsAnError) {
    TempDir dir;
    SmallIdx bad;
    bad.test_labels[8 + 3] = static_cast<char>(10);
    const fs::path folder = bad.write(dir / "bad", true);
    const std::string message = error_message([&] { load_idx_dataset(folder, digits); });
    EXPECT_THAT(message, HasSubstr((folder / "t10k-labels-idx1-ubyte.gz").string()));
    EXPECT_THAT(message, HasSubstr("label 3 is 10, expected 0–9"));
}

TEST(Idx, MissingFileNamesItAndTheFolder) {
    TempDir dir;
    const fs::path folder = SmallIdx().write(dir / "gz", true);
    fs::remove(folder / "t10k-labels-idx1-ubyte.gz");
    const std::string message = error_message([&] { load_idx_dataset(folder, digits); });
    EXPECT_THAT(message, HasSubstr("t10k-labels-idx1-ubyte.gz"));
    EXPECT_THAT(message, HasSubstr(folder.string()));
    EXPECT_THAT(message, HasSubstr("missing"));
}

TEST(Idx, SplitsWithDifferentImageSizesAreAnError) {
    TempDir dir;
    SmallIdx odd;
    odd.test_images = idx_images(5, 32, 32, 0);
    const fs::path folder = odd.write(dir / "odd", false);
    const std::string message = error_message([&] { load_idx_dataset(folder, digits); });
    EXPECT_THAT(message, HasSubstr("(28, 28, 1)"));
    EXPECT_THAT(message, HasSubstr("(32, 32, 1)"));
}

// The real data, when Debian's dataset-fashion-mnist package is installed.
TEST(Idx, GzipHeaderClaimingMoreThanTheStreamCouldHoldIsRefusedBeforeAnyAllocation) {
    TempDir dir;
    std::string header;  // 2^24 · 16 · 8 = 2 GiB, under the 4 GiB sanity bound
    put_u32(header, 0x00000803);
    put_u32(header, 1u << 24);
    put_u32(header, 16);
    put_u32(header, 8);
    write_gzip(dir / "images.gz", header + std::string(64, '\0'));
    const std::string message = error_message([&] { read_idx(dir / "images.gz", 3); });
    EXPECT_THAT(message, HasSubstr("its header claims 16777216×16×8 = 2,147,483,664 bytes with the header"));
    EXPECT_THAT(message, HasSubstr("bytes gzip'd hold at most"));
}

TEST(Idx, HeaderClaimingATerabyteIsAnError) {
    TempDir dir;
    std::string header;
    put_u32(header, 0x00000803);
    for (int d = 0; d < 3; ++d) put_u32(header, 1u << 14);  // 2^42 bytes, a terabyte
    const fs::path path = write_file(dir / "images", header);
    EXPECT_THAT(error_message([&] { read_idx(path, 3); }), HasSubstr("has a corrupt header: its dimensions "
                                                                     "describe more than 4,294,967,296 bytes"));
}

TEST(Idx, ImagesOfNoPixelsOrNoImagesAreAnError) {
    TempDir dir;
    SmallIdx idx;
    idx.train_images = idx_images(12, 0, 28, 0);
    idx.write(dir / "zero", false);
    EXPECT_THAT(error_message([&] { load_idx_dataset(dir / "zero", digits); }),
                HasSubstr("train-images-idx3-ubyte holds 12 images of 0×28 pixels; expected at least one image of "
                          "at least 1×1 pixels"));
    idx = SmallIdx{};
    idx.test_images = idx_images(0, 28, 28, 0);
    idx.test_labels = idx_labels(0, 0);
    idx.write(dir / "empty", false);
    EXPECT_THAT(error_message([&] { load_idx_dataset(dir / "empty", digits); }),
                HasSubstr("t10k-images-idx3-ubyte holds 0 images of 28×28 pixels"));
}

TEST(IdxRealData, FashionMnistFromTheDebianPackage) {
    const fs::path folder = "/usr/share/datasets/fashion-mnist";
    if (!fs::is_regular_file(folder / "train-images-idx3-ubyte.gz")) {
        GTEST_SKIP() << "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)";
    }
    const auto start = std::chrono::steady_clock::now();
    const DatasetSplits splits = load_idx_dataset(folder, digits);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    ::testing::Test::RecordProperty("load_ms", std::to_string(ms));
    std::cout << "[ info     ] Fashion-MNIST (gzip'd IDX) loaded in " << ms << " ms\n";
    ASSERT_EQ(splits.train.size(), 60'000);
    ASSERT_EQ(splits.test.size(), 10'000);
    EXPECT_EQ(splits.train.image_shape, (Shape{28, 28, 1}));
    EXPECT_EQ(splits.train.images.size(), 60'000u * 784u);
    std::vector<int> train_counts(10), test_counts(10);
    for (const int32_t label : splits.train.labels) ++train_counts.at(static_cast<size_t>(label));
    for (const int32_t label : splits.test.labels) ++test_counts.at(static_cast<size_t>(label));
    EXPECT_EQ(train_counts, std::vector<int>(10, 6'000));
    EXPECT_EQ(test_counts, std::vector<int>(10, 1'000));
    // The published first labels: ankle boot (9), T-shirt (0), T-shirt, dress (3), T-shirt, pullover (2).
    EXPECT_THAT(std::vector<int32_t>(splits.train.labels.begin(), splits.train.labels.begin() + 6),
                ::testing::ElementsAre(9, 0, 0, 3, 0, 2));
    EXPECT_THAT(std::vector<int32_t>(splits.test.labels.begin(), splits.test.labels.begin() + 3),
                ::testing::ElementsAre(9, 2, 1));
}

}  // namespace
}  // namespace nnlab
