// Datasets from arrays a user prepared: NumPy's x_train / y_train / x_test / y_test (keras.datasets' layout) and
// CSV tables of numeric features with a label column.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "nnlab/data/dataset.hpp"
#include "nnlab/data/formats/csv_table.hpp"
#include "nnlab/data/formats/npy.hpp"

namespace nnlab {

// The most classes integer labels may name (a label is checked against it before class names are made).
constexpr int64_t max_array_classes = 1 << 20;

// x (N, …) and y of N labels: integers (any integer dtype, or whole floats) shaped (N) or (N, 1), or one-hot rows
// (N, C) with C > 1. A uint8 x holds images (pixels); (N, H, W) becomes (N, H, W, 1) as Keras's image layers need
// a channel axis. Any other dtype becomes float32 features of x's shape. Class names are left to name_classes.
// Throws nnlab::Error naming the array (x_what, y_what) and the example on a count mismatch, a negative or
// fractional label, or a one-hot row that is not.
Dataset dataset_from_arrays(const NpyArray& x, const NpyArray& y, const std::string& x_what, const std::string& y_what);

// Gives both splits the same class names: `names` when given (each label must be below their count), else "0",
// "1", … up to the largest label of either split. Throws nnlab::Error naming `what`.
void name_classes(DatasetSplits& data, const std::vector<std::string>& names, const std::string& what);

// `path`: an .npz with the arrays x_train, y_train, x_test, y_test (np.savez), or a folder holding x_train.npy, …
DatasetSplits load_numpy_dataset(const std::filesystem::path& path, const std::vector<std::string>& class_names = {});
// True when `path` is an .npz file or a folder with x_train.npy (what load_numpy_dataset reads).
bool is_numpy_dataset(const std::filesystem::path& path);

struct CsvDatasetOptions {
    CsvOptions csv;
    // The label column: a header name, else label_index (negative counts from the end: −1 the last column).
    std::string label_column;
    int64_t label_index = -1;
    // The test split: the rows of test_file (same columns), else a random test_split fraction of the rows, drawn
    // with split_seed (scikit-learn's train_test_split(test_size, random_state)), whatever the run's seed.
    std::filesystem::path test_file;
    double test_split = 0.0;
    uint64_t split_seed = 0;
    std::vector<std::string> class_names;
    // Every row is a test example and the train split is empty (a model evaluated on new rows laid out as its
    // training file): test_file and test_split are not used.
    bool all_rows_test = false;
};

// A CSV file of numeric columns: every column but the label's is a float32 feature (an example is (features)).
// Labels must be whole numbers ≥ 0. Throws nnlab::Error naming the file, and the line for a bad field or label.
DatasetSplits load_csv_dataset(const std::filesystem::path& path, const CsvDatasetOptions& options);

}  // namespace nnlab
