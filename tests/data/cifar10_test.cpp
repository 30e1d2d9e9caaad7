// Tests of load_cifar10 on small files written in the official binary layout, and on the real copy.
#include "nnlab/data/formats/cifar10.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nnlab/core/error.hpp"
#include "tests/support/archive_writer.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/write_files.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using nnlab::testing::ArchiveEntry;
using nnlab::testing::error_message;
using nnlab::testing::TempDir;
using nnlab::testing::write_file;
using nnlab::testing::write_files;
using nnlab::testing::write_tar_gz;
using ::testing::HasSubstr;

constexpr int record_bytes = 3073;
constexpr std::array<const char*, 5> train_files = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                                                    "data_batch_4.bin", "data_batch_5.bin"};
const char* const names_text = "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n";
const std::vector<std::string> class_names = {"airplane", "automobile", "bird",  "cat",  "deer",
                                              "dog",      "frog",       "horse", "ship", "truck"};

// Records with labels (first_label + r) % 10 and pseudo-random pixels, different in every file, so a
// wrong transpose, order or offset shows up as a wrong byte.
std::vector<uint8_t> batch_bytes(int records, int first_label, uint32_t salt) {
    std::vector<uint8_t> bytes(static_cast<size_t>(records) * record_bytes);
    uint32_t state = 2166136261u ^ salt;
    for (int r = 0; r < records; ++r) {
        uint8_t* record = bytes.data() + static_cast<size_t>(r) * record_bytes;
        record[0] = static_cast<uint8_t>((first_label + r) % 10);
        for (int i = 1; i < record_bytes; ++i) {
            state = state * 1664525u + 1013904223u;
            record[i] = static_cast<uint8_t>(state >> 24);
        }
    }
    return bytes;
}

// The contents of a small CIFAR-10 copy: batches 1..5 with 3..7 records, a test batch of 4.
std::map<std::string, std::string> small_cifar() {
    std::map<std::string, std::string> files;
    for (int b = 0; b < 5; ++b) {
        const std::vector<uint8_t> bytes = batch_bytes(3 + b, b, static_cast<uint32_t>(b + 1));
        files[train_files[static_cast<size_t>(b)]] = std::string(bytes.begin(), bytes.end());
    }
    const std::vector<uint8_t> test = batch_bytes(4, 7, 99);
    files["test_batch.bin"] = std::string(test.begin(), test.end());
    files["batches.meta.txt"] = names_text;
    return files;
}

// A .tar.gz laid out as the official one: a cifar-10-batches-bin/ directory entry, the files under it
// and a readme.html the loader must skip.
fs::path write_archive(const fs::path& path, const std::map<std::string, std::string>& files) {
    std::vector<ArchiveEntry> entries = {{"cifar-10-batches-bin/", ""},
                                         {"cifar-10-batches-bin/readme.html", "<html>not data</html>"}};
    for (const auto& [name, contents] : files) entries.push_back({"cifar-10-batches-bin/" + name, contents});
    return write_tar_gz(path, entries);
}

// Pixel (row, col, channel) of record r of a batch file, read as the file stores it: planes R, G, B.
uint8_t file_pixel(const std::string& batch, int r, int row, int col, int channel) {
    return static_cast<uint8_t>(batch[static_cast<size_t>(r * record_bytes + 1 + channel * 1024 + row * 32 + col)]);
}

// Every label and pixel of `data`, starting at example `first`, against the records of `batch`.
void expect_matches_batch(const Dataset& data, int64_t first, const std::string& batch) {
    const int records = static_cast<int>(batch.size()) / record_bytes;
    ASSERT_GE(data.size(), first + records);
    for (int r = 0; r < records; ++r) {
        ASSERT_EQ(data.labels[static_cast<size_t>(first + r)], batch[static_cast<size_t>(r * record_bytes)])
            << "example " << first + r;
        const uint8_t* image = data.image(first + r);
        for (int row = 0; row < 32; ++row) {
            for (int col = 0; col < 32; ++col) {
                for (int c = 0; c < 3; ++c) {
                    ASSERT_EQ(image[(row * 32 + col) * 3 + c], file_pixel(batch, r, row, col, c))
                        << "example " << first + r << " pixel (" << row << ", " << col << ", " << c << ")";
                }
            }
        }
    }
}

TEST(Cifar10, FolderGivesShapesSizesAndClassNames) {
    TempDir dir;
    const DatasetSplits splits = load_cifar10(write_files(dir.path() / "cifar-10-batches-bin", small_cifar()));
    EXPECT_EQ(splits.train.size(), 3 + 4 + 5 + 6 + 7);
    EXPECT_EQ(splits.test.size(), 4);
    EXPECT_EQ(splits.train.image_shape, (Shape{32, 32, 3}));
    EXPECT_EQ(splits.test.image_shape, (Shape{32, 32, 3}));
    EXPECT_EQ(splits.train.images.size(), 25u * 3072u);
    EXPECT_EQ(splits.test.images.size(), 4u * 3072u);
    EXPECT_EQ(splits.train.class_names, class_names);
    EXPECT_EQ(splits.test.class_names, class_names);
    EXPECT_EQ(splits.train.num_classes(), 10);
}

TEST(Cifar10, PixelsAreChannelsLast) {
    TempDir dir;
    const auto files = small_cifar();
    const DatasetSplits splits = load_cifar10(write_files(dir.path() / "cifar-10-batches-bin", files));
    // Pixel (row 2, col 5, green) of the first training image is byte 1 + 1024 + 2·32 + 5 of its record.
    const std::string& first = files.at("data_batch_1.bin");
    EXPECT_EQ(splits.train.image(0)[(2 * 32 + 5) * 3 + 1], static_cast<uint8_t>(first[1 + 1024 + 2 * 32 + 5]));
    EXPECT_EQ(splits.train.image(0)[(31 * 32 + 31) * 3 + 2], static_cast<uint8_t>(first[3072]));
    EXPECT_EQ(splits.train.image(0)[0], static_cast<uint8_t>(first[1]));
    expect_matches_batch(splits.test, 0, files.at("test_batch.bin"));
}

TEST(Cifar10, TrainingSetIsBatchesOneToFiveInOrder) {
    TempDir dir;
    const auto files = small_cifar();
    const DatasetSplits splits = load_cifar10(write_files(dir.path() / "cifar-10-batches-bin", files));
    int64_t first = 0;
    for (const char* name : train_files) {
        SCOPED_TRACE(name);
        expect_matches_batch(splits.train, first, files.at(name));
        first += static_cast<int64_t>(files.at(name).size()) / record_bytes;
    }
    EXPECT_EQ(first, splits.train.size());
    // Labels (b + r) % 10 for record r of batch b: 0 1 2 | 1 2 3 4 | 2 …
    EXPECT_THAT(std::vector<int32_t>(splits.train.labels.begin(), splits.train.labels.begin() + 8),
                ::testing::ElementsAre(0, 1, 2, 1, 2, 3, 4, 2));
}

TEST(Cifar10, ArchiveLoadsTheSameAsTheFolder) {
    TempDir dir;
    const auto files = small_cifar();
    const DatasetSplits from_folder = load_cifar10(write_files(dir.path() / "cifar-10-batches-bin", files));
    const DatasetSplits from_archive = load_cifar10(write_archive(dir.path() / "cifar-10-binary.tar.gz", files));
    for (const auto& [folder, archived] :
         {std::pair{&from_folder.train, &from_archive.train}, std::pair{&from_folder.test, &from_archive.test}}) {
        EXPECT_EQ(folder->image_shape, archived->image_shape);
        EXPECT_EQ(folder->class_names, archived->class_names);
        EXPECT_EQ(folder->labels, archived->labels);
        EXPECT_TRUE(folder->images == archived->images);
    }
    EXPECT_EQ(from_archive.train.size(), 25);
    expect_matches_batch(from_archive.test, 0, files.at("test_batch.bin"));
}

TEST(Cifar10, ClassNamesIgnoreSurroundingWhitespaceAndTrailingBlankLines) {
    TempDir dir;
    auto files = small_cifar();
    files["batches.meta.txt"] = "airplane\r\nautomobile\r\nbird \ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n  \n";
    EXPECT_EQ(load_cifar10(write_files(dir.path() / "cifar-10-batches-bin", files)).train.class_names, class_names);
}

TEST(Cifar10, ClassNamesMustBeTen) {
    TempDir dir;
    auto files = small_cifar();
    files["batches.meta.txt"] = "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\n";
    const fs::path folder = write_files(dir.path() / "cifar-10-batches-bin", files);
    const std::string nine = error_message([&] { load_cifar10(folder); });
    EXPECT_THAT(nine, HasSubstr("batches.meta.txt"));
    EXPECT_THAT(nine, HasSubstr("expected 10 class names"));
    EXPECT_THAT(nine, HasSubstr("found 9"));

    write_file(folder / "batches.meta.txt", "airplane\nautomobile\n\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n");
    const std::string blank = error_message([&] { load_cifar10(folder); });
    EXPECT_THAT(blank, HasSubstr("batches.meta.txt"));
    EXPECT_THAT(blank, HasSubstr("line 3 is empty"));
}

TEST(Cifar10, TruncatedFileNamesTheFileAndBothSizes) {
    TempDir dir;
    auto files = small_cifar();
    files["data_batch_3.bin"].resize(3 * record_bytes - 100);  // 9,119 bytes
    const fs::path folder = write_files(dir.path() / "cifar-10-batches-bin", files);
    const std::string message = error_message([&] { load_cifar10(folder); });
    EXPECT_THAT(message, HasSubstr("data_batch_3.bin"));
    EXPECT_THAT(message, HasSubstr(folder.string()));
    EXPECT_THAT(message, HasSubstr("multiple of 3,073 bytes"));
    EXPECT_THAT(message, HasSubstr("30,730,000"));
    EXPECT_THAT(message, HasSubstr("found 9,119 bytes"));
    EXPECT_THAT(message, HasSubstr("truncated"));

    const fs::path archive = write_archive(dir.path() / "cifar-10-binary.tar.gz", files);
    const std::string from_archive = error_message([&] { load_cifar10(archive); });
    EXPECT_THAT(from_archive, HasSubstr("data_batch_3.bin"));
    EXPECT_THAT(from_archive, HasSubstr(archive.string()));
    EXPECT_THAT(from_archive, HasSubstr("found 9,119 bytes"));
}

TEST(Cifar10, EmptyBatchFileIsAnError) {
    TempDir dir;
    auto files = small_cifar();
    files["test_batch.bin"].clear();
    const fs::path folder = write_files(dir.path() / "cifar-10-batches-bin", files);
    const std::string message = error_message([&] { load_cifar10(folder); });
    EXPECT_THAT(message, HasSubstr("test_batch.bin"));
    EXPECT_THAT(message, HasSubstr("found 0 bytes"));
}

TEST(Cifar10, MissingBatchFileNamesTheFileAndWhereItWasLookedFor) {
    TempDir dir;
    auto files = small_cifar();
    files.erase("data_batch_5.bin");
    const fs::path folder = write_files(dir.path() / "cifar-10-batches-bin", files);
    const std::string message = error_message([&] { load_cifar10(folder); });
    EXPECT_THAT(message, HasSubstr("data_batch_5.bin is missing"));
    EXPECT_THAT(message, HasSubstr(folder.string()));

    const fs::path archive = write_archive(dir.path() / "cifar-10-binary.tar.gz", files);
    const std::string from_archive = error_message([&] { load_cifar10(archive); });
    EXPECT_THAT(from_archive, HasSubstr("data_batch_5.bin is missing"));
    EXPECT_THAT(from_archive, HasSubstr(archive.string()));
}

TEST(Cifar10, LabelAboveNineNamesTheFileAndRecord) {
    TempDir dir;
    auto files = small_cifar();
    files["data_batch_4.bin"][2 * record_bytes] = static_cast<char>(10);
    const fs::path folder = write_files(dir.path() / "cifar-10-batches-bin", files);
    const std::string message = error_message([&] { load_cifar10(folder); });
    EXPECT_THAT(message, HasSubstr("data_batch_4.bin"));
    EXPECT_THAT(message, HasSubstr("record 2"));
    EXPECT_THAT(message, HasSubstr("label 10"));
}

TEST(Cifar10, TruncatedArchiveIsAnError) {
    TempDir dir;
    const fs::path archive = write_archive(dir.path() / "cifar-10-binary.tar.gz", small_cifar());
    fs::resize_file(archive, fs::file_size(archive) / 2);
    const std::string message = error_message([&] { load_cifar10(archive); });
    EXPECT_THAT(message, HasSubstr(archive.string()));
    EXPECT_THAT(message, HasSubstr("truncated"));
}

TEST(Cifar10, LocationThatDoesNotExistIsAnError) {
    TempDir dir;
    const fs::path nowhere = dir.path() / "nowhere";
    EXPECT_THAT(error_message([&] { load_cifar10(nowhere); }), HasSubstr(nowhere.string()));
}

TEST(Cifar10, FileThatIsNotAnArchiveIsAnError) {
    TempDir dir;
    const fs::path fake = dir.path() / "cifar-10-binary.tar.gz";
    write_file(fake, std::string(5000, 'x'));
    const std::string message = error_message([&] { load_cifar10(fake); });
    EXPECT_THAT(message, HasSubstr(fake.string()));
    EXPECT_THAT(message, HasSubstr(".tar.gz"));
}

// The real data, when the environment provides it (the project's CI points NNLAB_DATA at a copy).
TEST(Cifar10RealData, LoadsFiftyThousandTrainingAndTenThousandTestImages) {
    const char* root = std::getenv("NNLAB_DATA");
    const fs::path folder = fs::path(root ? root : "") / "cifar-10-batches-bin";
    if (root == nullptr || *root == '\0' || !fs::is_directory(folder)) {
        GTEST_SKIP() << "NNLAB_DATA has no CIFAR-10 (set it to a folder holding cifar-10-batches-bin/)";
    }
    const auto start = std::chrono::steady_clock::now();
    const DatasetSplits splits = load_cifar10(folder);
    ::testing::Test::RecordProperty(
        "load_ms",
        std::to_string(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count()));
    ASSERT_EQ(splits.train.size(), 50'000);
    ASSERT_EQ(splits.test.size(), 10'000);
    EXPECT_EQ(splits.train.images.size(), 50'000u * 3072u);
    EXPECT_EQ(splits.train.class_names, class_names);
    std::vector<int> train_counts(10), test_counts(10);
    for (const int32_t label : splits.train.labels) ++train_counts.at(static_cast<size_t>(label));
    for (const int32_t label : splits.test.labels) ++test_counts.at(static_cast<size_t>(label));
    EXPECT_EQ(train_counts, std::vector<int>(10, 5'000));
    EXPECT_EQ(test_counts, std::vector<int>(10, 1'000));

    // The first record of data_batch_1.bin and the last of test_batch.bin, read straight from the files.
    std::ifstream batch1(folder / "data_batch_1.bin", std::ios::binary),
        test(folder / "test_batch.bin", std::ios::binary);
    std::string first(record_bytes, '\0'), last(record_bytes, '\0');
    batch1.read(first.data(), record_bytes);
    test.seekg(-record_bytes, std::ios::end);
    test.read(last.data(), record_bytes);
    ASSERT_TRUE(batch1 && test);
    expect_matches_batch(splits.train, 0, first);
    expect_matches_batch(splits.test, 9'999, last);
}

}  // namespace
}  // namespace nnlab
