// Tests of where datasets are looked for (--data, NNLAB_DATA, the home cache) and what a miss says.
#include "nnlab/data/dataset_lookup.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// A fresh folder under the system temp folder, removed with everything in it at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "nnlab_lookup_test_XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// Sets (or, given nullptr, unsets) an environment variable for one test and restores it afterwards.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        value ? setenv(name, value, 1) : unsetenv(name);
    }
    ~ScopedEnv() { old_ ? setenv(name_.c_str(), old_->c_str(), 1) : unsetenv(name_.c_str()); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    std::string name_;
    std::optional<std::string> old_;
};

// The files of a tiny valid CIFAR-10 copy with `records` records in every batch, so which copy was
// loaded shows in the training set's size (5 × records).
std::map<std::string, std::string> tiny_cifar(int records) {
    std::map<std::string, std::string> files;
    for (const char* name : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                             "data_batch_5.bin", "test_batch.bin"}) {
        std::string bytes(static_cast<size_t>(records) * 3073, '\x07');
        for (int r = 0; r < records; ++r) bytes[static_cast<size_t>(r) * 3073] = static_cast<char>(r % 10);
        files[name] = bytes;
    }
    files["batches.meta.txt"] = "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n";
    return files;
}

fs::path write_folder(const fs::path& folder, const std::map<std::string, std::string>& files) {
    fs::create_directories(folder);
    for (const auto& [name, contents] : files) {
        std::ofstream(folder / name, std::ios::binary) << contents;
    }
    return folder;
}

fs::path write_archive(const fs::path& path, const std::map<std::string, std::string>& files) {
    fs::create_directories(path.parent_path());
    std::unique_ptr<archive, int (*)(archive*)> writer(archive_write_new(), &archive_write_free);
    archive* a = writer.get();
    archive_write_add_filter_gzip(a);
    archive_write_set_format_pax_restricted(a);
    if (archive_write_open_filename(a, path.c_str()) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a));
    for (const auto& [name, contents] : files) {
        std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(), &archive_entry_free);
        archive_entry_set_pathname(entry.get(), ("cifar-10-batches-bin/" + name).c_str());
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0644);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(contents.size()));
        archive_write_header(a, entry.get());
        archive_write_data(a, contents.data(), contents.size());
    }
    if (archive_write_close(a) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a));
    return path;
}

template <typename F>
std::string error_message(F load) {
    try {
        load();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::bad_input) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "expected nnlab::Error";
    return {};
}

TEST(DatasetSearchRoots, DataDirBeatsNnlabDataBeatsTheHomeCache) {
    ScopedEnv data("NNLAB_DATA", "/from/env");
    ScopedEnv home("HOME", "/home/someone");
    EXPECT_EQ(dataset_search_roots(fs::path("/from/flag")), std::vector<fs::path>{"/from/flag"});
    EXPECT_EQ(dataset_search_roots(std::nullopt), std::vector<fs::path>{"/from/env"});
    {
        ScopedEnv unset("NNLAB_DATA", nullptr);
        EXPECT_EQ(dataset_search_roots(std::nullopt), std::vector<fs::path>{"/home/someone/.cache/nnlab/datasets"});
    }
    ScopedEnv empty("NNLAB_DATA", "");
    EXPECT_EQ(dataset_search_roots(std::nullopt), std::vector<fs::path>{"/home/someone/.cache/nnlab/datasets"});
}

TEST(LoadDataset, DataDirBeatsNnlabDataBeatsTheHomeCache) {
    TempDir dir;
    const fs::path flag = dir.path() / "flag", env = dir.path() / "env", home = dir.path() / "home";
    write_folder(flag / "cifar-10-batches-bin", tiny_cifar(1));
    write_folder(env / "cifar-10-batches-bin", tiny_cifar(2));
    write_folder(home / ".cache/nnlab/datasets/cifar-10-batches-bin", tiny_cifar(3));
    ScopedEnv data("NNLAB_DATA", env.c_str());
    ScopedEnv home_env("HOME", home.c_str());
    EXPECT_EQ(load_dataset("cifar10", flag).train.size(), 5);
    EXPECT_EQ(load_dataset("cifar10", std::nullopt).train.size(), 10);
    ScopedEnv unset("NNLAB_DATA", nullptr);
    EXPECT_EQ(load_dataset("cifar10", std::nullopt).train.size(), 15);
}

TEST(LoadDataset, FindsTheArchiveInARoot) {
    TempDir dir;
    write_archive(dir.path() / "cifar-10-binary.tar.gz", tiny_cifar(2));
    const DatasetSplits splits = load_dataset("cifar10", dir.path());
    EXPECT_EQ(splits.train.size(), 10);
    EXPECT_EQ(splits.test.size(), 2);
}

TEST(LoadDataset, PrefersTheExtractedFolderToTheArchive) {
    TempDir dir;
    write_folder(dir.path() / "cifar-10-batches-bin", tiny_cifar(1));
    write_archive(dir.path() / "cifar-10-binary.tar.gz", tiny_cifar(2));
    EXPECT_EQ(load_dataset("cifar10", dir.path()).train.size(), 5);
}

TEST(LoadDataset, AcceptsARootThatIsTheBatchesFolderOrTheArchive) {
    TempDir dir;
    const fs::path folder = write_folder(dir.path() / "my-cifar", tiny_cifar(1));
    const fs::path archive = write_archive(dir.path() / "downloads" / "cifar10.tar.gz", tiny_cifar(3));
    EXPECT_EQ(load_dataset("cifar10", folder).train.size(), 5);
    EXPECT_EQ(load_dataset("cifar10", archive).train.size(), 15);
    ScopedEnv data("NNLAB_DATA", archive.c_str());
    EXPECT_EQ(load_dataset("cifar10", std::nullopt).train.size(), 15);
}

TEST(LoadDataset, NotFoundListsEveryPlaceSearchedAndHowToGetTheData) {
    TempDir dir;
    const std::string message = error_message([&] { load_dataset("cifar10", dir.path()); });
    EXPECT_THAT(message, HasSubstr("CIFAR-10 not found"));
    EXPECT_THAT(message, HasSubstr("\n  " + (dir.path() / "cifar-10-batches-bin").string() + "/\n"));
    EXPECT_THAT(message, HasSubstr("\n  " + (dir.path() / "cifar-10-binary.tar.gz").string() + "\n"));
    EXPECT_THAT(message, HasSubstr("\n  " + dir.path().string() + " (as the batches folder or the archive itself)\n"));
    EXPECT_THAT(message, HasSubstr("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"));
    EXPECT_THAT(message, HasSubstr("--data"));
    EXPECT_THAT(message, HasSubstr("NNLAB_DATA"));
    EXPECT_THAT(message, Not(HasSubstr("nnlab download")));
}

TEST(LoadDataset, NotFoundNamesTheHomeCacheWhenNothingElseIsSet) {
    TempDir dir;
    ScopedEnv data("NNLAB_DATA", nullptr);
    ScopedEnv home("HOME", dir.path().c_str());
    const std::string cache = (dir.path() / ".cache/nnlab/datasets").string();
    const std::string message = error_message([&] { load_dataset("cifar10", std::nullopt); });
    EXPECT_THAT(message, HasSubstr("\n  " + cache + "/cifar-10-batches-bin/\n"));
    EXPECT_THAT(message, HasSubstr("\n  " + cache + "/cifar-10-binary.tar.gz\n"));
    EXPECT_THAT(message, HasSubstr("in " + cache + ";"));
}

TEST(LoadDataset, ErrorsOfTheCopyFoundAreNotHidden) {
    TempDir dir;
    auto files = tiny_cifar(1);
    files["test_batch.bin"].pop_back();
    write_folder(dir.path() / "cifar-10-batches-bin", files);
    const std::string message = error_message([&] { load_dataset("cifar10", dir.path()); });
    EXPECT_THAT(message, HasSubstr("test_batch.bin"));
    EXPECT_THAT(message, HasSubstr("found 3,072 bytes"));
    EXPECT_THAT(message, Not(HasSubstr("not found")));
}

TEST(LoadDataset, UnknownNameIsAKeyErrorListingTheKnownNames) {
    try {
        load_dataset("mnist", std::nullopt);
        FAIL() << "expected nnlab::KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "dataset");
        EXPECT_THAT(e.what(), HasSubstr("'mnist'"));
        EXPECT_THAT(e.what(), HasSubstr("cifar10"));
    }
}

}  // namespace
}  // namespace nnlab
