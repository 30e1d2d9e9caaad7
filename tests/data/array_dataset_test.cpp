// Tests of datasets from arrays: x/y arrays in keras.datasets' layouts, class names, NumPy files and folders, and
// CSV tables with a label column and a drawn or given test split.
#include "nnlab/data/formats/array_dataset.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "nnlab/data/dataset_lookup.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/npy_writer.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using nnlab::testing::error_message;
using nnlab::testing::npy_bytes;
using nnlab::testing::raw_bytes;
using nnlab::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

NpyArray array(const std::string& descr, const std::vector<int64_t>& shape, const std::string& data) {
    const std::string bytes = npy_bytes(descr, shape, data);
    return parse_npy({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, "test");
}

TEST(ArrayDataset, Uint8ArraysAreImagesAndGreyOnesGetAChannel) {
    const Dataset data = dataset_from_arrays(array("|u1", {2, 2, 3}, std::string(12, '\x07')),
                                             array("|u1", {2, 1}, std::string("\x01\x00", 2)), "x", "y");
    EXPECT_EQ(data.kind, ExampleKind::pixels);
    EXPECT_EQ(data.image_shape, (Shape{2, 3, 1}));
    EXPECT_EQ(data.images.size(), 12u);
    EXPECT_THAT(data.labels, ElementsAre(1, 0));
}

TEST(ArrayDataset, OtherDtypesAreFloatFeaturesAndOneHotLabelsAreDecoded) {
    const Dataset data =
        dataset_from_arrays(array("<f8", {3, 2}, raw_bytes(std::vector<double>{0.5, 1, 2, 3, 4, 5})),
                            array("<f4", {3, 3}, raw_bytes(std::vector<float>{0, 0, 1, 1, 0, 0, 0, 1, 0})), "x", "y");
    EXPECT_EQ(data.kind, ExampleKind::features);
    EXPECT_EQ(data.image_shape, (Shape{2}));
    EXPECT_THAT(data.features, ElementsAre(0.5f, 1, 2, 3, 4, 5));
    EXPECT_THAT(data.labels, ElementsAre(2, 0, 1));
    EXPECT_EQ(data.slice(1, 2).features, (std::vector<float>{2, 3, 4, 5}));
}

TEST(ArrayDataset, NamesWhatIsWrongWithTheLabels) {
    const NpyArray x = array("<f4", {2, 1}, raw_bytes(std::vector<float>{1, 2}));
    EXPECT_THAT(error_message([&] {
                    dataset_from_arrays(x, array("<i4", {3}, raw_bytes(std::vector<int>{0, 1, 2})), "x", "y");
                }),
                HasSubstr("y: expected 2 labels shaped (2,), (2, 1) or one-hot (2, classes), found shape (3,)"));
    EXPECT_THAT(error_message([&] {
                    dataset_from_arrays(x, array("<i4", {2}, raw_bytes(std::vector<int>{0, -1})), "x", "y");
                }),
                HasSubstr("y: label 1 is -1; expected a class index"));
    EXPECT_THAT(error_message([&] {
                    dataset_from_arrays(x, array("<f4", {2}, raw_bytes(std::vector<float>{0, 0.5f})), "x", "y");
                }),
                HasSubstr("label 1 is 0.5"));
    EXPECT_THAT(error_message([&] {
                    dataset_from_arrays(x, array("<f4", {2, 2}, raw_bytes(std::vector<float>{1, 0, 1, 1})), "x", "y");
                }),
                HasSubstr("y: row 1 is not one-hot"));
    EXPECT_THAT(error_message([&] {
                    dataset_from_arrays(array("<f4", {2, 1}, raw_bytes(std::vector<float>{1, INFINITY})),
                                        array("<i4", {2}, raw_bytes(std::vector<int>{0, 1})), "x", "y");
                }),
                HasSubstr("x: value 1 is inf"));
    EXPECT_THAT(error_message([&] {
                    dataset_from_arrays(array("<f4", {2}, raw_bytes(std::vector<float>{1, 2})), x, "x", "y");
                }),
                HasSubstr("x: expected examples shaped (N, …)"));
}

TEST(ArrayDataset, ClassNamesAreGivenOrCounted) {
    DatasetSplits data;
    data.train.labels = {0, 3};
    data.test.labels = {1};
    name_classes(data, {}, "d");
    EXPECT_THAT(data.test.class_names, ElementsAre("0", "1", "2", "3"));
    EXPECT_THAT(error_message([&] {
                    name_classes(data, {"a", "b"}, "d");
                }),
                HasSubstr("d: a label is 3 but class_names names 2 classes"));
}

TEST(ArrayDataset, LoadsANumpyFolderAndChecksTheSplitsAgree) {
    TempDir dir;
    dir.write("np/x_train.npy", npy_bytes("<f4", {2, 3}, raw_bytes(std::vector<float>{1, 2, 3, 4, 5, 6})));
    dir.write("np/y_train.npy", npy_bytes("|u1", {2}, std::string("\x00\x01", 2)));
    dir.write("np/x_test.npy", npy_bytes("<f4", {1, 3}, raw_bytes(std::vector<float>{7, 8, 9})));
    dir.write("np/y_test.npy", npy_bytes("|u1", {1}, std::string("\x01", 1)));
    EXPECT_TRUE(is_numpy_dataset(dir / "np"));
    const DatasetSplits data =
        load_dataset((dir / "np").string(), std::nullopt, DataSourceOptions{.class_names = {"no", "yes"}});
    EXPECT_EQ(data.train.image_shape, (Shape{3}));
    EXPECT_THAT(data.test.features, ElementsAre(7, 8, 9));
    EXPECT_THAT(data.train.class_names, ElementsAre("no", "yes"));
    dir.write("np/x_test.npy", npy_bytes("<f4", {1, 2}, raw_bytes(std::vector<float>{7, 8})));
    EXPECT_THAT(error_message([&] { load_numpy_dataset(dir / "np"); }),
                HasSubstr("x_train's examples are (3,) floats but x_test's are (2,) floats"));
    std::filesystem::remove(dir / "np" / "y_test.npy");
    EXPECT_THAT(error_message([&] { load_numpy_dataset(dir / "np"); }), HasSubstr("expected y_test.npy in the folder"));
}

TEST(ArrayDataset, CsvTestSplitIsDrawnWithItsSeedAndCoversEveryRowOnce) {
    TempDir dir;
    std::string text = "f1,f2,target\n";
    for (int i = 0; i < 50; ++i)
        text += std::to_string(i) + "," + std::to_string(i * 10) + "," + std::to_string(i % 3) + "\n";
    const auto file = dir.write("t.csv", text);
    const CsvDatasetOptions options{.label_column = "target", .test_split = 0.2, .split_seed = 7};
    const DatasetSplits a = load_csv_dataset(file, options);
    EXPECT_EQ(a.train.size(), 40);
    EXPECT_EQ(a.test.size(), 10);
    EXPECT_EQ(a.train.image_shape, (Shape{2}));
    std::set<float> seen;
    for (const Dataset* split : {&a.train, &a.test})
        for (int64_t i = 0; i < split->size(); ++i) {
            const float first = split->feature_row(i)[0];
            EXPECT_EQ(split->feature_row(i)[1], first * 10);
            EXPECT_EQ(split->labels[static_cast<size_t>(i)], static_cast<int>(first) % 3);
            seen.insert(first);
        }
    EXPECT_EQ(seen.size(), 50u);
    EXPECT_EQ(load_csv_dataset(file, options).test.features, a.test.features);  // the same seed, the same rows
    CsvDatasetOptions other = options;
    other.split_seed = 8;
    EXPECT_NE(load_csv_dataset(file, other).test.features, a.test.features);
    EXPECT_THAT(a.test.class_names, ElementsAre("0", "1", "2"));
}

TEST(ArrayDataset, CsvLabelColumnAndTestFileErrors) {
    TempDir dir;
    const auto train = dir.write("train.csv", "1,2,0\n3,4,1\n");
    const auto test = dir.write("test.csv", "5,6,1\n");
    const DatasetSplits data = load_csv_dataset(train, {.label_index = 0, .test_file = test});
    EXPECT_THAT(data.train.labels, ElementsAre(1, 3));  // column 0 as the label
    EXPECT_THAT(data.test.features, ElementsAre(6, 1));
    EXPECT_THAT(error_message([&] { load_csv_dataset(train, {.label_column = "y", .test_file = test}); }),
                HasSubstr("no column named \"y\" (the file has no header row)"));
    EXPECT_THAT(error_message([&] { load_csv_dataset(train, {.label_index = 5, .test_file = test}); }),
                HasSubstr("label column 5 does not exist; the file has 3 columns"));
    EXPECT_THAT(error_message([&] { load_csv_dataset(train, {}); }), HasSubstr("needs a test split"));
    const auto fractional = dir.write("f.csv", "1,2,0.5\n");
    EXPECT_THAT(error_message([&] { load_csv_dataset(fractional, {.test_file = test}); }),
                HasSubstr("data row 1: the label is 0.5"));
    const auto narrow = dir.write("n.csv", "1,0\n");
    EXPECT_THAT(error_message([&] { load_csv_dataset(train, {.test_file = narrow}); }),
                HasSubstr("n.csv: 2 columns; expected 3"));
}

}  // namespace
}  // namespace nnlab
