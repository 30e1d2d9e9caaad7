// CSV datasets: numeric feature columns and a label column, the test split from a second file or drawn.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "nnlab/core/error.hpp"
#include "nnlab/core/rng.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/data/formats/array_dataset.hpp"

namespace nnlab {
namespace {

int64_t label_column(const CsvTable& table, const CsvDatasetOptions& options, const std::string& what) {
    if (table.columns < 2) {
        throw Error(what + ": " + std::to_string(table.columns) +
                    " column; expected at least one feature column and a label column");
    }
    if (!options.label_column.empty()) {
        const auto& names = table.column_names;
        const auto it = std::find(names.begin(), names.end(), options.label_column);
        if (it == names.end()) {
            throw KeyError("label_column",
                           what + ": no column named \"" + options.label_column + "\"" +
                               (names.empty() ? " (the file has no header row)" : "; its columns are " + join(names)));
        }
        return it - names.begin();
    }
    const int64_t index = options.label_index < 0 ? table.columns + options.label_index : options.label_index;
    if (index < 0 || index >= table.columns) {
        throw KeyError("label_column", what + ": label column " + std::to_string(options.label_index) +
                                           " does not exist; the file has " + std::to_string(table.columns) +
                                           " columns (0 to " + std::to_string(table.columns - 1) +
                                           ", or −1 for the last)");
    }
    return index;
}

Dataset dataset_from_table(const CsvTable& table, int64_t label, const std::string& what) {
    Dataset data;
    data.kind = ExampleKind::features;
    data.image_shape = Shape{table.columns - 1};
    data.features.reserve(static_cast<size_t>(table.rows * (table.columns - 1)));
    data.labels.reserve(static_cast<size_t>(table.rows));
    for (int64_t r = 0; r < table.rows; ++r) {
        const double* row = table.values.data() + r * table.columns;
        const double y = row[label];
        if (!(y >= 0.0 && y < static_cast<double>(max_array_classes) && std::floor(y) == y)) {
            throw Error(what + ": data row " + std::to_string(r + 1) + ": the label is " + shortest(y) +
                        "; expected a class index, a whole number from 0 to " + with_thousands(max_array_classes - 1));
        }
        data.labels.push_back(static_cast<int32_t>(y));
        for (int64_t c = 0; c < table.columns; ++c) {
            if (c == label) continue;
            if (std::abs(row[c]) > 3.4028234663852886e38) {
                throw Error(what + ": data row " + std::to_string(r + 1) + ", column " + std::to_string(c + 1) + ": " +
                            shortest(row[c]) + " is outside float32's range");
            }
            data.features.push_back(static_cast<float>(row[c]));
        }
    }
    return data;
}

// The rows at `rows` (in that order) of `data`.
Dataset subset(const Dataset& data, const std::vector<int64_t>& rows) {
    Dataset out;
    out.kind = data.kind;
    out.image_shape = data.image_shape;
    const int64_t width = data.image_size();
    for (int64_t r : rows) {
        out.features.insert(out.features.end(), data.feature_row(r), data.feature_row(r) + width);
        out.labels.push_back(data.labels[static_cast<size_t>(r)]);
    }
    return out;
}

}  // namespace

DatasetSplits load_csv_dataset(const std::filesystem::path& path, const CsvDatasetOptions& options) {
    if (options.all_rows_test) {
        const CsvTable table = read_csv_file(path, options.csv);
        DatasetSplits data;
        data.test = dataset_from_table(table, label_column(table, options, path.string()), path.string());
        data.train.kind = data.test.kind;
        data.train.image_shape = data.test.image_shape;
        name_classes(data, options.class_names, path.string());
        return data;
    }
    if (!options.test_file.empty() && options.test_split > 0.0)
        throw KeyError("test_split", "test_split: the test rows come from test_file already; give one of the two");
    if (options.test_file.empty() && !(options.test_split > 0.0 && options.test_split < 1.0)) {
        throw KeyError("test_split",
                       "a CSV dataset needs a test split: test_file = \"test.csv\", or test_split = a "
                       "fraction in (0, 1) of the rows");
    }
    const CsvTable table = read_csv_file(path, options.csv);
    const int64_t label = label_column(table, options, path.string());
    DatasetSplits data;
    if (!options.test_file.empty()) {
        data.train = dataset_from_table(table, label, path.string());
        const CsvTable test = read_csv_file(options.test_file, options.csv);
        if (test.columns != table.columns) {
            throw Error(options.test_file.string() + ": " + std::to_string(test.columns) + " columns; expected " +
                        std::to_string(table.columns) + ", as " + path.string() + " has");
        }
        data.test = dataset_from_table(test, label, options.test_file.string());
    } else {
        const Dataset all = dataset_from_table(table, label, path.string());
        const int64_t test_rows =
            static_cast<int64_t>(std::llround(options.test_split * static_cast<double>(all.size())));
        if (test_rows < 1 || test_rows >= all.size()) {
            throw KeyError("test_split", "test_split = " + shortest(options.test_split) + " of " +
                                             std::to_string(all.size()) + " rows leaves " + std::to_string(test_rows) +
                                             " test rows; both splits need at least one");
        }
        // A seeded Fisher–Yates shuffle; the first test_rows rows of it are the test split, each split kept in
        // the file's order.
        std::vector<int64_t> order(static_cast<size_t>(all.size()));
        std::iota(order.begin(), order.end(), 0);
        Rng rng(options.split_seed, "test_split");
        for (int64_t i = all.size() - 1; i > 0; --i)
            std::swap(order[static_cast<size_t>(i)], order[rng.below(static_cast<uint64_t>(i + 1))]);
        std::vector<int64_t> test(order.begin(), order.begin() + test_rows);
        std::vector<int64_t> train(order.begin() + test_rows, order.end());
        std::sort(test.begin(), test.end());
        std::sort(train.begin(), train.end());
        data.train = subset(all, train);
        data.test = subset(all, test);
    }
    name_classes(data, options.class_names, path.string());
    return data;
}

}  // namespace nnlab
