// Tests of the image-folder loader (Keras image_dataset_from_directory) on PNG folders written here and on the real
// CIFAR-10 JPEG sample found through NNLAB_DATA.
#include "nnlab/data/formats/image_folder.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "nnlab/core/error.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/image_files.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using nnlab::testing::error_message;
using nnlab::testing::TempDir;
using nnlab::testing::write_png;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Classes "b_dog" (files z, a, M), "a_cat" (2 files) and "C_bird" (1 file), 4×6 each, plus files to skip.
fs::path write_small_folder(const fs::path& root) {
    write_png(root / "b_dog" / "z.png", 4, 6, 30);
    write_png(root / "b_dog" / "a.PNG", 4, 6, 10);
    write_png(root / "b_dog" / "M.png", 4, 6, 20);
    write_png(root / "a_cat" / "1.png", 4, 6, 100);
    write_png(root / "a_cat" / "0.png", 4, 6, 90);
    write_png(root / "C_bird" / "x.png", 4, 6, 200);
    std::ofstream(root / "b_dog" / "notes.txt") << "not an image";
    std::ofstream(root / "README") << "a file in the root is not a class";
    fs::create_directories(root / ".hidden");
    return root;
}

TEST(ImageFolder, ClassesAreSortedFolderNamesAndFilesComeSortedWithinEachClass) {
    TempDir dir;
    const Dataset data = image_dataset_from_directory(write_small_folder(dir / "root"));
    // Python's sorted(): upper case before lower case.
    EXPECT_THAT(data.class_names, ElementsAre("C_bird", "a_cat", "b_dog"));
    EXPECT_THAT(data.labels, ElementsAre(0, 1, 1, 2, 2, 2));
    EXPECT_EQ(data.image_shape, (Shape{4, 6, 3}));
    ASSERT_EQ(data.images.size(), 6u * 4 * 6 * 3);
    // First pixel of each example, in order: x | 0, 1 | M, a.PNG, z.
    std::vector<int> firsts;
    for (int64_t i = 0; i < data.size(); ++i) firsts.push_back(data.image(i)[0]);
    EXPECT_THAT(firsts, ElementsAre(200, 90, 100, 20, 10, 30));
    EXPECT_EQ(data.image(0)[2], 202);
}

TEST(ImageFolder, GrayscaleAndResize) {
    TempDir dir;
    const fs::path root = write_small_folder(dir / "root");
    const Dataset grey = image_dataset_from_directory(root, {.color_mode = "grayscale"});
    EXPECT_EQ(grey.image_shape, (Shape{4, 6, 1}));
    // Luma of (200, 201, 202): 0.299·200 + 0.587·201 + 0.114·202 = 200.815.
    EXPECT_EQ(grey.image(0)[0], 201);
    const Dataset small = image_dataset_from_directory(root, {.image_size = std::pair<int64_t, int64_t>{2, 3}});
    EXPECT_EQ(small.image_shape, (Shape{2, 3, 3}));
    EXPECT_EQ(small.images.size(), 6u * 2 * 3 * 3);
    EXPECT_EQ(small.image(5)[4], 31);  // a flat image stays flat
}

TEST(ImageFolder, ARootWithoutTrainAndTestIsTheTrainingSplitOnly) {
    TempDir dir;
    const DatasetSplits splits = load_image_folder(write_small_folder(dir / "root"));
    EXPECT_EQ(splits.train.size(), 6);
    EXPECT_EQ(splits.test.size(), 0);
    EXPECT_EQ(splits.test.class_names, splits.train.class_names);
    EXPECT_EQ(splits.test.image_shape, splits.train.image_shape);
}

TEST(ImageFolder, TrainAndTestSubfoldersAreTheTwoSplits) {
    TempDir dir;
    write_small_folder(dir / "root" / "train");
    write_png(dir / "root" / "test" / "a_cat" / "t.png", 4, 6, 1);
    write_png(dir / "root" / "test" / "b_dog" / "t.png", 4, 6, 2);
    write_png(dir / "root" / "test" / "C_bird" / "t.png", 4, 6, 3);
    const DatasetSplits splits = load_image_folder(dir / "root");
    EXPECT_EQ(splits.train.size(), 6);
    ASSERT_EQ(splits.test.size(), 3);
    EXPECT_THAT(splits.test.labels, ElementsAre(0, 1, 2));
    EXPECT_EQ(splits.test.image(1)[0], 1);
}

TEST(ImageFolder, TrainAndTestWithDifferentClassesIsAnError) {
    TempDir dir;
    write_small_folder(dir / "root" / "train");
    write_png(dir / "root" / "test" / "a_cat" / "t.png", 4, 6, 1);
    write_png(dir / "root" / "test" / "z_fox" / "t.png", 4, 6, 2);
    EXPECT_THAT(error_message([&] { load_image_folder(dir / "root"); }), HasSubstr("differ"));
}

TEST(ImageFolder, UnreadableJpegNamesTheFile) {
    TempDir dir;
    const fs::path root = write_small_folder(dir / "root");
    const fs::path bad = root / "a_cat" / "broken.jpg";
    std::ofstream(bad, std::ios::binary) << std::string("\xFF\xD8\xFF\xE0garbage", 11);
    const std::string message = error_message([&] { image_dataset_from_directory(root); });
    EXPECT_THAT(message, HasSubstr(bad.string()));
    EXPECT_THAT(message, HasSubstr("JPEG"));
}

TEST(ImageFolder, EmptyClassFolderNamesTheFolder) {
    TempDir dir;
    const fs::path root = write_small_folder(dir / "root");
    fs::create_directories(root / "d_empty");
    std::ofstream(root / "d_empty" / "notes.txt") << "no images";
    const std::string message = error_message([&] { image_dataset_from_directory(root); });
    EXPECT_THAT(message, HasSubstr((root / "d_empty").string()));
    EXPECT_THAT(message, HasSubstr("holds no .jpg, .jpeg or .png images"));
}

TEST(ImageFolder, NoClassFoldersIsAnError) {
    TempDir dir;
    write_png(dir / "flat" / "a.png", 4, 6, 1);
    const std::string message = error_message([&] { image_dataset_from_directory(dir / "flat"); });
    EXPECT_THAT(message, HasSubstr((dir / "flat").string()));
    EXPECT_THAT(message, HasSubstr("no class folders (it holds 1 image itself)"));
    EXPECT_THAT(error_message([&] { image_dataset_from_directory(dir / "nowhere"); }), HasSubstr("does not exist"));
    fs::create_directories(dir / "empty");
    EXPECT_THAT(error_message([&] { image_dataset_from_directory(dir / "empty"); }),
                HasSubstr("image folder " + (dir / "empty").string() + " has no class folders; expected the layout"));
}

TEST(ImageFolder, OneClassFolderIsAnError) {
    TempDir dir;
    write_png(dir / "one" / "cat" / "a.png", 4, 6, 1);
    write_png(dir / "one" / "cat" / "b.png", 4, 6, 2);
    EXPECT_THAT(error_message([&] { load_image_folder(dir / "one"); }),
                HasSubstr("image folder " + (dir / "one").string() +
                          " has one class folder (cat); a classifier needs at least two classes"));
}

TEST(ImageFolder, InconsistentSizesNameBothFilesAndSizes) {
    TempDir dir;
    const fs::path root = write_small_folder(dir / "root");
    write_png(root / "b_dog" / "b.png", 5, 6, 0);
    const std::string message = error_message([&] { image_dataset_from_directory(root); });
    EXPECT_THAT(message, HasSubstr((root / "b_dog" / "b.png").string() + " is 5×6"));
    EXPECT_THAT(message, HasSubstr((root / "C_bird" / "x.png").string() + " is 4×6"));
    EXPECT_THAT(message, HasSubstr("image_size"));
    // Resizing makes the same folder loadable.
    EXPECT_EQ(image_dataset_from_directory(root, {.image_size = std::pair<int64_t, int64_t>{4, 6}}).size(), 7);
}

TEST(ImageFolder, BadOptionsAreKeyErrors) {
    TempDir dir;
    const fs::path root = write_small_folder(dir / "root");
    try {
        image_dataset_from_directory(root, {.color_mode = "rgba"});
        FAIL() << "expected nnlab::KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "color_mode");
        EXPECT_THAT(e.what(), HasSubstr("\"rgba\""));
    }
    try {
        image_dataset_from_directory(root, {.image_size = std::pair<int64_t, int64_t>{0, 8}});
        FAIL() << "expected nnlab::KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "image_size");
    }
}

// The real JPEG sample (100 train and 50 test images per class), when NNLAB_DATA holds it.
fs::path jpeg_sample() {
    const char* root = std::getenv("NNLAB_DATA");
    const fs::path folder = fs::path(root ? root : "") / "cifar10-jpeg-sample";
    if (root == nullptr || *root == '\0' || !fs::is_directory(folder)) return {};
    return folder;
}

TEST(ImageFolderRealData, Cifar10JpegSample) {
    const fs::path folder = jpeg_sample();
    if (folder.empty()) GTEST_SKIP() << "NNLAB_DATA has no cifar10-jpeg-sample/ (see /work/shared/datasets/README.md)";
    const auto start = std::chrono::steady_clock::now();
    const DatasetSplits splits = load_image_folder(folder);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    ::testing::Test::RecordProperty("load_ms", std::to_string(ms));
    std::cout << "[ info     ] cifar10-jpeg-sample (1,500 JPEGs) loaded in " << ms << " ms\n";
    ASSERT_EQ(splits.train.size(), 1'000);
    ASSERT_EQ(splits.test.size(), 500);
    EXPECT_EQ(splits.train.image_shape, (Shape{32, 32, 3}));
    EXPECT_THAT(splits.train.class_names,
                ElementsAre("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"));
    std::vector<int> train_counts(10), test_counts(10);
    for (const int32_t label : splits.train.labels) ++train_counts.at(static_cast<size_t>(label));
    for (const int32_t label : splits.test.labels) ++test_counts.at(static_cast<size_t>(label));
    EXPECT_EQ(train_counts, std::vector<int>(10, 100));
    EXPECT_EQ(test_counts, std::vector<int>(10, 50));
    // Real photographs: not all one value.
    const auto [low, high] = std::minmax_element(splits.train.images.begin(), splits.train.images.end());
    EXPECT_LT(*low, 20);
    EXPECT_GT(*high, 235);
}

TEST(ImageFolderRealData, Cifar10JpegSampleResizedAndGrey) {
    const fs::path folder = jpeg_sample();
    if (folder.empty()) GTEST_SKIP() << "NNLAB_DATA has no cifar10-jpeg-sample/ (see /work/shared/datasets/README.md)";
    const DatasetSplits splits =
        load_image_folder(folder, {.image_size = std::pair<int64_t, int64_t>{16, 16}, .color_mode = "grayscale"});
    EXPECT_EQ(splits.train.size(), 1'000);
    EXPECT_EQ(splits.test.size(), 500);
    EXPECT_EQ(splits.train.image_shape, (Shape{16, 16, 1}));
    EXPECT_EQ(splits.test.images.size(), 500u * 16 * 16);
}

}  // namespace
}  // namespace nnlab
