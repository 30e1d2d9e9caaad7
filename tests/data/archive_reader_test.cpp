// Tests that a dataset's files are size-checked before they are read: an archive entry whose header claims a huge
// size, or a file in the folder larger than the official one, is refused before anything is allocated for it.
#include "nnlab/data/formats/archive_reader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/data/formats/cifar10.hpp"
#include "nnlab/data/formats/cifar100.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/write_files.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using nnlab::testing::error_message;
using nnlab::testing::TempDir;
using ::testing::HasSubstr;

// A ustar header for a regular file `path` whose size field claims `claimed` bytes, in GNU's base-256 form when it
// does not fit 11 octal digits (as tar does for files of 8 GiB and more).
std::string ustar_header(const std::string& path, uint64_t claimed) {
    std::string header(512, '\0');
    header.replace(0, path.size(), path);
    header.replace(100, 7, "0000644");
    header.replace(108, 7, "0000000");
    header.replace(116, 7, "0000000");
    if (claimed < (uint64_t{1} << 33)) {
        std::snprintf(header.data() + 124, 12, "%011llo", static_cast<unsigned long long>(claimed));
    } else {
        header[124] = static_cast<char>(0x80);
        for (int i = 0; i < 8; ++i) header[135 - i] = static_cast<char>((claimed >> (8 * i)) & 0xFF);
    }
    header.replace(136, 11, "00000000000");
    header[156] = '0';
    header.replace(257, 6, std::string("ustar\0", 6));
    header.replace(263, 2, "00");
    header.replace(148, 8, "        ");  // the checksum is taken with its own field as spaces
    unsigned sum = 0;
    for (const char c : header) sum += static_cast<unsigned char>(c);
    std::snprintf(header.data() + 148, 8, "%06o", sum);
    header[155] = ' ';
    return header;
}

// An archive entry whose header may claim more bytes than follow it.
struct TarEntry {
    std::string path;
    std::string contents;
    std::optional<uint64_t> claimed;  // the contents' size when not given
};

fs::path write_tar_gz(const fs::path& path, const std::vector<TarEntry>& entries) {
    std::string tar;
    for (const TarEntry& entry : entries) {
        tar += ustar_header(entry.path, entry.claimed.value_or(entry.contents.size())) + entry.contents;
        tar.append((512 - entry.contents.size() % 512) % 512, '\0');
    }
    tar.append(1024, '\0');
    gzFile file = gzopen(path.c_str(), "wb");
    EXPECT_NE(file, nullptr);
    EXPECT_EQ(gzwrite(file, tar.data(), static_cast<unsigned>(tar.size())), static_cast<int>(tar.size()));
    EXPECT_EQ(gzclose(file), Z_OK);
    return path;
}

std::string names(int count) {
    std::string text;
    for (int i = 0; i < count; ++i) text += "class" + std::to_string(i) + "\n";
    return text;
}

TEST(DatasetFiles, ArchiveEntryClaimingATerabyteIsRefusedBeforeAnyAllocation) {
    TempDir dir;
    const fs::path archive =
        write_tar_gz(dir / "cifar-10-binary.tar.gz",
                     {{"cifar-10-batches-bin/batches.meta.txt", names(10)},
                      {"cifar-10-batches-bin/data_batch_1.bin", std::string(3073, '\x01'), uint64_t{1} << 40}});
    EXPECT_THAT(error_message([&] { load_cifar10(archive); }),
                HasSubstr("CIFAR-10 file data_batch_1.bin in archive " + archive.string() +
                          " is 1,099,511,627,776 bytes, more than the 30,730,000 of the largest file of the official "
                          "CIFAR-10; it is damaged or not from the CIFAR-10 binary archive"));
}

TEST(DatasetFiles, ArchiveEntryLargerThanTheOfficialFileIsRefusedBeforeItIsRead) {
    TempDir dir;
    const fs::path archive = write_tar_gz(dir / "cifar-100-binary.tar.gz",
                                          {{"cifar-100-binary/train.bin", std::string(3074, '\x01'), 200'000'000}});
    EXPECT_THAT(error_message([&] { load_cifar100(archive); }),
                HasSubstr("CIFAR-100 file train.bin in archive " + archive.string() +
                          " is 200,000,000 bytes, more than the 153,700,000 of the largest file"));
}

TEST(DatasetFiles, FolderFileLargerThanTheOfficialOneIsRefusedBeforeItIsRead) {
    TempDir dir;
    std::map<std::string, std::string> files = {{"batches.meta.txt", names(10)},
                                                {"test_batch.bin", std::string(3073, '\0')}};
    for (int b = 1; b <= 5; ++b) files["data_batch_" + std::to_string(b) + ".bin"] = std::string(3073, '\0');
    const fs::path folder = nnlab::testing::write_files(dir / "cifar-10-batches-bin", files);
    fs::resize_file(folder / "data_batch_2.bin", uint64_t{3073} * 20'000);  // 61 MB of zeros: a hole, no disk
    EXPECT_THAT(error_message([&] { load_cifar10(folder); }),
                HasSubstr("CIFAR-10 file data_batch_2.bin in folder " + folder.string() +
                          " is 61,460,000 bytes, more than the 30,730,000 of the largest file"));
}

TEST(DatasetFiles, ArchiveEntryWithinTheBoundIsRead) {
    TempDir dir;
    std::vector<TarEntry> entries = {{"cifar-10-batches-bin/batches.meta.txt", names(10)},
                                     {"cifar-10-batches-bin/test_batch.bin", std::string(3073, '\x02')}};
    for (int b = 1; b <= 5; ++b)
        entries.push_back({"cifar-10-batches-bin/data_batch_" + std::to_string(b) + ".bin", std::string(3073, '\x03')});
    const DatasetSplits splits = load_cifar10(write_tar_gz(dir / "cifar-10-binary.tar.gz", entries));
    EXPECT_EQ(splits.train.size(), 5);
    EXPECT_EQ(splits.test.labels, std::vector<int32_t>{2});
}

}  // namespace
}  // namespace nnlab
