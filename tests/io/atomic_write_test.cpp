// Tests of write_file_atomically: the bytes land whole, an old file is replaced, and a failure
// throws naming the path and leaves no temporary file behind.
#include "nnlab/core/atomic_write.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class AtomicWrite : public ::testing::Test {
protected:
    static std::string read(const fs::path& path) {
        std::ifstream in(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

    nnlab::testing::TempDir temp_;  // a fresh empty folder per test
    const fs::path& dir_ = temp_.path();
};

TEST_F(AtomicWrite, WritesTheBytesAndLeavesNoTemporaryFile) {
    const std::string bytes("binary\0data\nwith a NUL", 22);
    write_file_atomically(dir_ / "model.nnlab", bytes);
    EXPECT_EQ(read(dir_ / "model.nnlab"), bytes);
    EXPECT_THAT(entries(), ElementsAre("model.nnlab"));
}

TEST_F(AtomicWrite, WritesAnEmptyFile) {
    write_file_atomically(dir_ / "empty.txt", "");
    EXPECT_TRUE(fs::exists(dir_ / "empty.txt"));
    EXPECT_EQ(fs::file_size(dir_ / "empty.txt"), 0u);
    EXPECT_THAT(entries(), ElementsAre("empty.txt"));
}

TEST_F(AtomicWrite, ReplacesAnExistingFile) {
    write_file_atomically(dir_ / "history.csv", "a much longer old content that must not survive\n");
    write_file_atomically(dir_ / "history.csv", "new\n");
    EXPECT_EQ(read(dir_ / "history.csv"), "new\n");
    EXPECT_THAT(entries(), ElementsAre("history.csv"));
}

TEST_F(AtomicWrite, WritesALargeFile) {
    std::string bytes(3 << 20, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 131 % 251);
    write_file_atomically(dir_ / "big.bin", bytes);
    EXPECT_EQ(read(dir_ / "big.bin"), bytes);
}

TEST_F(AtomicWrite, MissingDirectoryThrowsNamingThePathAndLeavesNothing) {
    const fs::path path = dir_ / "missing" / "model.nnlab";
    try {
        write_file_atomically(path, "bytes");
        FAIL() << "expected an nnlab::Error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("cannot write " + path.string()));
        EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
        EXPECT_EQ(e.kind(), ErrorKind::failure);
    }
    EXPECT_THAT(entries(), ElementsAre());
}

// The temporary file is created before the rename fails, so this checks that it is cleaned up.
TEST_F(AtomicWrite, FailedRenameRemovesTheTemporaryFile) {
    fs::create_directories(dir_ / "report" / "inside");  // a non-empty folder cannot be replaced by a file
    try {
        write_file_atomically(dir_ / "report", "bytes");
        FAIL() << "expected an nnlab::Error";
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("cannot write " + (dir_ / "report").string()));
        EXPECT_THAT(e.what(), HasSubstr("renaming"));
        EXPECT_THAT(e.what(), HasSubstr("Is a directory"));
    }
    EXPECT_THAT(entries(), ElementsAre("report"));
    EXPECT_TRUE(fs::is_directory(dir_ / "report" / "inside"));
}

}  // namespace
}  // namespace nnlab
