// Tests of where datasets are looked for (--data, NNLAB_DATA, the home cache) and what a miss says.
#include "nnlab/data/dataset_lookup.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <png.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
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
using ::testing::HasSubstr;
using ::testing::Not;

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
    write_files(flag / "cifar-10-batches-bin", tiny_cifar(1));
    write_files(env / "cifar-10-batches-bin", tiny_cifar(2));
    write_files(home / ".cache/nnlab/datasets/cifar-10-batches-bin", tiny_cifar(3));
    ScopedEnv data("NNLAB_DATA", env.c_str());
    ScopedEnv home_env("HOME", home.c_str());
    EXPECT_EQ(load_dataset("cifar10", flag).train.size(), 5);
    EXPECT_EQ(load_dataset("cifar10", std::nullopt).train.size(), 10);
    ScopedEnv unset("NNLAB_DATA", nullptr);
    EXPECT_EQ(load_dataset("cifar10", std::nullopt).train.size(), 15);
}

TEST(LoadDataset, FindsTheArchiveInARoot) {
    TempDir dir;
    write_tar_gz(dir.path() / "cifar-10-binary.tar.gz", "cifar-10-batches-bin", tiny_cifar(2));
    const DatasetSplits splits = load_dataset("cifar10", dir.path());
    EXPECT_EQ(splits.train.size(), 10);
    EXPECT_EQ(splits.test.size(), 2);
}

TEST(LoadDataset, PrefersTheExtractedFolderToTheArchive) {
    TempDir dir;
    write_files(dir.path() / "cifar-10-batches-bin", tiny_cifar(1));
    write_tar_gz(dir.path() / "cifar-10-binary.tar.gz", "cifar-10-batches-bin", tiny_cifar(2));
    EXPECT_EQ(load_dataset("cifar10", dir.path()).train.size(), 5);
}

TEST(LoadDataset, AcceptsARootThatIsTheBatchesFolderOrTheArchive) {
    TempDir dir;
    const fs::path folder = write_files(dir.path() / "my-cifar", tiny_cifar(1));
    const fs::path archive =
        write_tar_gz(dir.path() / "downloads" / "cifar10.tar.gz", "cifar-10-batches-bin", tiny_cifar(3));
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
    // The command that fetches it into the folder searched first.
    EXPECT_THAT(message, HasSubstr("nnlab download cifar10 --data " + dir.path().string()));
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
    write_files(dir.path() / "cifar-10-batches-bin", files);
    const std::string message = error_message([&] { load_dataset("cifar10", dir.path()); });
    EXPECT_THAT(message, HasSubstr("test_batch.bin"));
    EXPECT_THAT(message, HasSubstr("found 3,072 bytes"));
    EXPECT_THAT(message, Not(HasSubstr("not found")));
}

TEST(LoadDataset, UnknownNameIsAKeyErrorListingTheKnownNames) {
    TempDir dir;
    try {
        load_dataset("imagenet", dir.path());
        FAIL() << "expected nnlab::KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "dataset");
        EXPECT_THAT(e.what(), HasSubstr("'imagenet'"));
        EXPECT_THAT(e.what(), HasSubstr("cifar10, cifar100, cifar100_coarse, mnist, fashion_mnist"));
        EXPECT_THAT(e.what(), HasSubstr("image folder"));
        EXPECT_THAT(e.what(), HasSubstr((dir.path() / "imagenet").string()));
    }
}

TEST(KnownDatasets, NamesAndImageShapes) {
    EXPECT_THAT(known_datasets(),
                ::testing::ElementsAre("cifar10", "cifar100", "cifar100_coarse", "mnist", "fashion_mnist"));
    EXPECT_EQ(known_image_shape("cifar10"), (Shape{32, 32, 3}));
    EXPECT_EQ(known_image_shape("cifar100"), (Shape{32, 32, 3}));
    EXPECT_EQ(known_image_shape("cifar100_coarse"), (Shape{32, 32, 3}));
    EXPECT_EQ(known_image_shape("mnist"), (Shape{28, 28, 1}));
    EXPECT_EQ(known_image_shape("fashion_mnist"), (Shape{28, 28, 1}));
    EXPECT_EQ(known_image_shape("imagenet"), std::nullopt);
}

// CIFAR-100 files with `records` records in train.bin and 2 in test.bin; fine label 3 r + 1, coarse r.
std::map<std::string, std::string> tiny_cifar100(int records) {
    std::map<std::string, std::string> files;
    for (const auto& [name, count] : {std::pair{"train.bin", records}, std::pair{"test.bin", 2}}) {
        std::string bytes(static_cast<size_t>(count) * 3074, '\x09');
        for (int r = 0; r < count; ++r) {
            bytes[static_cast<size_t>(r) * 3074] = static_cast<char>(r % 20);
            bytes[static_cast<size_t>(r) * 3074 + 1] = static_cast<char>((3 * r + 1) % 100);
        }
        files[name] = bytes;
    }
    for (const auto& [name, count] :
         {std::pair{"fine_label_names.txt", 100}, std::pair{"coarse_label_names.txt", 20}}) {
        for (int i = 0; i < count; ++i) files[name] += "class" + std::to_string(i) + "\n";
    }
    return files;
}

TEST(LoadDataset, Cifar100FineAndCoarseFromTheArchiveOrFolder) {
    TempDir dir;
    write_tar_gz(dir.path() / "cifar-100-binary.tar.gz", "cifar-100-binary", tiny_cifar100(4));
    const DatasetSplits fine = load_dataset("cifar100", dir.path());
    EXPECT_EQ(fine.train.size(), 4);
    EXPECT_EQ(fine.train.num_classes(), 100);
    EXPECT_THAT(fine.train.labels, ::testing::ElementsAre(1, 4, 7, 10));
    const DatasetSplits coarse = load_dataset("cifar100_coarse", dir.path());
    EXPECT_EQ(coarse.train.num_classes(), 20);
    EXPECT_THAT(coarse.train.labels, ::testing::ElementsAre(0, 1, 2, 3));
    // The extracted folder wins over the archive, as for CIFAR-10.
    write_files(dir.path() / "cifar-100-binary", tiny_cifar100(3));
    EXPECT_EQ(load_dataset("cifar100", dir.path()).train.size(), 3);
}

TEST(LoadDataset, Cifar100NotFoundListsEveryPlaceAndTheUrl) {
    TempDir dir;
    const std::string message = error_message([&] { load_dataset("cifar100_coarse", dir.path()); });
    EXPECT_THAT(message, HasSubstr("CIFAR-100 not found"));
    EXPECT_THAT(message, HasSubstr("\n  " + (dir.path() / "cifar-100-binary").string() + "/\n"));
    EXPECT_THAT(message, HasSubstr("\n  " + (dir.path() / "cifar-100-binary.tar.gz").string() + "\n"));
    EXPECT_THAT(message, HasSubstr("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"));
}

void put_u32(std::string& out, uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
}

// The four IDX files of a dataset with `train` and 3 test 28×28 images, gzip'd, label i % 10.
fs::path write_idx_folder(const fs::path& folder, uint32_t train) {
    fs::create_directories(folder);
    const auto write_gz = [&](const std::string& name, const std::string& bytes) {
        gzFile file = gzopen((folder / (name + ".gz")).c_str(), "wb");
        gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
        gzclose(file);
    };
    for (const auto& [prefix, count] : {std::pair{"train", train}, std::pair{"t10k", 3u}}) {
        std::string images, labels;
        put_u32(images, 0x803);
        put_u32(images, count);
        put_u32(images, 28);
        put_u32(images, 28);
        images += std::string(count * 784u, '\x05');
        put_u32(labels, 0x801);
        put_u32(labels, count);
        for (uint32_t i = 0; i < count; ++i) labels += static_cast<char>(i % 10);
        write_gz(std::string(prefix) + "-images-idx3-ubyte", images);
        write_gz(std::string(prefix) + "-labels-idx1-ubyte", labels);
    }
    return folder;
}

TEST(LoadDataset, MnistFromItsFolderInARoot) {
    TempDir dir;
    write_idx_folder(dir.path() / "mnist", 6);
    const DatasetSplits splits = load_dataset("mnist", dir.path());
    EXPECT_EQ(splits.train.size(), 6);
    EXPECT_EQ(splits.test.size(), 3);
    EXPECT_EQ(splits.train.image_shape, (Shape{28, 28, 1}));
    EXPECT_THAT(splits.train.class_names, ::testing::ElementsAre("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
}

TEST(LoadDataset, FashionMnistFromEitherFolderNameWithKerasClassNames) {
    TempDir dir;
    write_idx_folder(dir.path() / "fashion_mnist", 4);
    const DatasetSplits splits = load_dataset("fashion_mnist", dir.path());
    EXPECT_EQ(splits.train.size(), 4);
    EXPECT_THAT(splits.train.class_names, ::testing::ElementsAre("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"));
    write_idx_folder(dir.path() / "fashion-mnist", 5);  // the dashed name is looked at first
    EXPECT_EQ(load_dataset("fashion_mnist", dir.path()).train.size(), 5);
}

TEST(LoadDataset, MnistNotFoundListsThePlacesAndTheUrl) {
    TempDir dir;
    const std::string message = error_message([&] { load_dataset("mnist", dir.path()); });
    EXPECT_THAT(message, HasSubstr("MNIST not found"));
    EXPECT_THAT(message, HasSubstr("\n  " + (dir.path() / "mnist").string() + "/\n"));
    EXPECT_THAT(message, HasSubstr("https://storage.googleapis.com/cvdf-datasets/mnist/"));
    EXPECT_THAT(message, HasSubstr("train-images-idx3-ubyte.gz"));
}

// Debian's dataset-fashion-mnist package is searched after the roots: loaded when installed, listed when not.
TEST(LoadDataset, FashionMnistFallsBackToTheDebianPackage) {
    TempDir dir;
    const fs::path debian = "/usr/share/datasets/fashion-mnist";
    if (fs::is_directory(debian)) {
        const auto start = std::chrono::steady_clock::now();
        const DatasetSplits splits = load_dataset("fashion_mnist", dir.path());
        std::cout
            << "[ info     ] load_dataset(\"fashion_mnist\") from " << debian << " in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count()
            << " ms\n";
        EXPECT_EQ(splits.train.size(), 60'000);
        EXPECT_EQ(splits.test.size(), 10'000);
        EXPECT_EQ(splits.train.class_names[9], "Ankle boot");
    } else {
        const std::string message = error_message([&] { load_dataset("fashion_mnist", dir.path()); });
        EXPECT_THAT(message, HasSubstr("Fashion-MNIST not found"));
        EXPECT_THAT(message, HasSubstr("\n  " + (dir.path() / "fashion-mnist").string() + "/\n"));
        EXPECT_THAT(message, HasSubstr("\n  " + (dir.path() / "fashion_mnist").string() + "/\n"));
        EXPECT_THAT(message, HasSubstr("\n  " + debian.string() + "/\n"));
        EXPECT_THAT(message, HasSubstr("apt-get install dataset-fashion-mnist"));
        EXPECT_THAT(message, HasSubstr("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"));
    }
}

// A one-pixel PNG of value `value`, written with libpng.
void write_png(const fs::path& path, uint8_t value) {
    fs::create_directories(path.parent_path());
    const std::vector<uint8_t> pixels = {value, value, value};
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    png.width = 1;
    png.height = 1;
    png.format = PNG_FORMAT_RGB;
    ASSERT_TRUE(png_image_write_to_file(&png, path.c_str(), 0, pixels.data(), 0, nullptr));
}

TEST(LoadDataset, AnExistingFolderIsLoadedAsAnImageFolder) {
    TempDir dir;
    write_png(dir.path() / "pets" / "train" / "cat" / "a.png", 1);
    write_png(dir.path() / "pets" / "train" / "dog" / "a.png", 2);
    write_png(dir.path() / "pets" / "test" / "cat" / "a.png", 3);
    write_png(dir.path() / "pets" / "test" / "dog" / "a.png", 4);
    const DatasetSplits by_path = load_dataset((dir.path() / "pets").string(), std::nullopt);
    EXPECT_EQ(by_path.train.size(), 2);
    EXPECT_EQ(by_path.test.size(), 2);
    EXPECT_THAT(by_path.train.class_names, ::testing::ElementsAre("cat", "dog"));
    // A folder name inside a root works too, with options.
    const DatasetSplits by_name = load_dataset("pets", dir.path(), {.color_mode = "grayscale"});
    EXPECT_EQ(by_name.test.image_shape, (Shape{1, 1, 1}));
    EXPECT_EQ(by_name.test.image(1)[0], 4);
}

}  // namespace
}  // namespace nnlab
