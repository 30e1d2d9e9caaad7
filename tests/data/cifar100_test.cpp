// Tests of load_cifar100 on small files written in the official binary layout, as a folder and as a .tar.gz.
#include "nnlab/data/formats/cifar100.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
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
using nnlab::testing::error_message;
using nnlab::testing::TempDir;
using nnlab::testing::write_files;
using nnlab::testing::write_tar_gz;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int record_bytes = 3074;

// Records with coarse label (r + first) % 20, fine label (3 r + first) % 100 and pseudo-random pixels.
std::string records(int count, int first, uint32_t salt) {
    std::string bytes(static_cast<size_t>(count) * record_bytes, '\0');
    uint32_t state = 2166136261u ^ salt;
    for (int r = 0; r < count; ++r) {
        char* record = bytes.data() + static_cast<size_t>(r) * record_bytes;
        record[0] = static_cast<char>((r + first) % 20);
        record[1] = static_cast<char>((3 * r + first) % 100);
        for (int i = 2; i < record_bytes; ++i) {
            state = state * 1664525u + 1013904223u;
            record[i] = static_cast<char>(state >> 24);
        }
    }
    return bytes;
}

std::string names(const std::string& stem, int count) {
    std::string text;
    for (int i = 0; i < count; ++i) text += stem + std::to_string(i) + "\n";
    return text;
}

std::map<std::string, std::string> small_cifar100() {
    return {{"train.bin", records(7, 0, 1)},
            {"test.bin", records(3, 5, 2)},
            {"fine_label_names.txt", names("fine", 100)},
            {"coarse_label_names.txt", names("coarse", 20)}};
}

TEST(Cifar100, FineLabelsAndNamesByDefault) {
    TempDir dir;
    const DatasetSplits splits = load_cifar100(write_files(dir / "cifar-100-binary", small_cifar100()));
    ASSERT_EQ(splits.train.size(), 7);
    ASSERT_EQ(splits.test.size(), 3);
    EXPECT_EQ(splits.train.image_shape, (Shape{32, 32, 3}));
    EXPECT_EQ(splits.train.num_classes(), 100);
    EXPECT_EQ(splits.train.class_names[42], "fine42");
    EXPECT_EQ(splits.test.class_names, splits.train.class_names);
    EXPECT_THAT(splits.train.labels, ElementsAre(0, 3, 6, 9, 12, 15, 18));
    EXPECT_THAT(splits.test.labels, ElementsAre(5, 8, 11));
}

TEST(Cifar100, CoarseLabelsAndNames) {
    TempDir dir;
    const DatasetSplits splits =
        load_cifar100(write_files(dir / "cifar-100-binary", small_cifar100()), Cifar100Labels::coarse);
    EXPECT_EQ(splits.train.num_classes(), 20);
    EXPECT_EQ(splits.train.class_names[19], "coarse19");
    EXPECT_THAT(splits.train.labels, ElementsAre(0, 1, 2, 3, 4, 5, 6));
    EXPECT_THAT(splits.test.labels, ElementsAre(5, 6, 7));
}

TEST(Cifar100, PixelsAreChannelsLast) {
    TempDir dir;
    const auto files = small_cifar100();
    const DatasetSplits splits = load_cifar100(write_files(dir / "cifar-100-binary", files));
    const std::string& test = files.at("test.bin");
    for (int r = 0; r < 3; ++r) {
        for (int p = 0; p < 1024; p += 37) {
            for (int c = 0; c < 3; ++c) {
                ASSERT_EQ(splits.test.image(r)[p * 3 + c],
                          static_cast<uint8_t>(test[static_cast<size_t>(r * record_bytes + 2 + c * 1024 + p)]))
                    << "record " << r << " pixel " << p << " channel " << c;
            }
        }
    }
}

TEST(Cifar100, ArchiveLoadsTheSameAsTheFolder) {
    TempDir dir;
    const auto files = small_cifar100();
    const DatasetSplits folder = load_cifar100(write_files(dir / "cifar-100-binary", files), Cifar100Labels::coarse);
    const DatasetSplits archived =
        load_cifar100(write_tar_gz(dir / "cifar-100-binary.tar.gz", "cifar-100-binary", files), Cifar100Labels::coarse);
    EXPECT_EQ(folder.train.labels, archived.train.labels);
    EXPECT_TRUE(folder.train.images == archived.train.images);
    EXPECT_EQ(folder.test.labels, archived.test.labels);
    EXPECT_TRUE(folder.test.images == archived.test.images);
    EXPECT_EQ(folder.train.class_names, archived.train.class_names);
}

TEST(Cifar100, TruncatedFileNamesTheFileAndBothSizes) {
    TempDir dir;
    auto files = small_cifar100();
    files["train.bin"].resize(7 * record_bytes - 10);  // 21,508 bytes
    const fs::path folder = write_files(dir / "cifar-100-binary", files);
    const std::string message = error_message([&] { load_cifar100(folder); });
    EXPECT_THAT(message, HasSubstr("train.bin"));
    EXPECT_THAT(message, HasSubstr(folder.string()));
    EXPECT_THAT(message, HasSubstr("multiple of 3,074 bytes"));
    EXPECT_THAT(message, HasSubstr("153,700,000"));
    EXPECT_THAT(message, HasSubstr("found 21,508 bytes"));

    const fs::path archive = write_tar_gz(dir / "cifar-100-binary.tar.gz", "cifar-100-binary", files);
    const std::string from_archive = error_message([&] { load_cifar100(archive); });
    EXPECT_THAT(from_archive, HasSubstr(archive.string()));
    EXPECT_THAT(from_archive, HasSubstr("found 21,508 bytes"));
}

TEST(Cifar100, LabelOutOfRangeNamesTheFileAndRecord) {
    TempDir dir;
    auto files = small_cifar100();
    files["test.bin"][2 * record_bytes + 1] = static_cast<char>(100);
    const fs::path folder = write_files(dir / "cifar-100-binary", files);
    const std::string message = error_message([&] { load_cifar100(folder); });
    EXPECT_THAT(message, HasSubstr("test.bin"));
    EXPECT_THAT(message, HasSubstr("record 2"));
    EXPECT_THAT(message, HasSubstr("fine label 100"));
}

TEST(Cifar100, MissingFileAndWrongNameCountAreErrors) {
    TempDir dir;
    auto files = small_cifar100();
    files.erase("coarse_label_names.txt");
    const fs::path archive = write_tar_gz(dir / "cifar-100-binary.tar.gz", "cifar-100-binary", files);
    const std::string missing = error_message([&] { load_cifar100(archive); });
    EXPECT_THAT(missing, HasSubstr("coarse_label_names.txt is missing"));
    EXPECT_THAT(missing, HasSubstr(archive.string()));
    EXPECT_THAT(missing, HasSubstr("cifar-100-binary.tar.gz"));

    files = small_cifar100();
    files["fine_label_names.txt"] = names("fine", 99);
    const fs::path folder = write_files(dir / "cifar-100-binary", files);
    const std::string count = error_message([&] { load_cifar100(folder); });
    EXPECT_THAT(count, HasSubstr("fine_label_names.txt"));
    EXPECT_THAT(count, HasSubstr("expected 100 class names"));
    EXPECT_THAT(count, HasSubstr("found 99"));
}

TEST(Cifar100, NotAFolderOrArchiveIsAnError) {
    TempDir dir;
    const fs::path fake = dir.write("cifar-100-binary.tar.gz", std::string(4000, 'x'));
    EXPECT_THAT(error_message([&] { load_cifar100(fake); }), HasSubstr(fake.string()));
    EXPECT_THAT(error_message([&] { load_cifar100(dir / "nowhere"); }), HasSubstr("CIFAR-100 not found"));
}

}  // namespace
}  // namespace nnlab
