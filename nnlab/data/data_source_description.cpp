// How NumPy arrays and CSV files are read, as [data] keys.
#include "nnlab/data/data_source_description.hpp"

#include <limits>

namespace nnlab {

using config::Description;
using config::Reader;

// The largest split_seed (a TOML integer is a signed 64-bit one).
constexpr int64_t max_split_seed = std::numeric_limits<int64_t>::max();

void read_data_source_keys(const Reader& data, const std::string& kind, const std::string& dataset,
                           CsvDatasetOptions& csv_options, std::vector<std::string>& class_names) {
    const bool csv = kind == "csv";
    for (const char* key : {"label_column", "header", "skip_rows", "test_file", "test_split", "split_seed"}) {
        if (data.has(key) && !csv) data.fail(key, "only for a .csv dataset; " + dataset + " is not one");
    }
    if (data.has("class_names") && kind != "csv" && kind != "numpy")
        data.fail("class_names", "only for NumPy arrays and .csv files; " + dataset + " names its own classes");
    class_names = data.strings("class_names").value_or(class_names);
    if (!csv) return;
    if (const auto column = data.child("label_column")) {
        const Description& value = column->value();
        if (value.is_string()) {
            csv_options.label_column = value.get<std::string>();
        } else if (value.is_number_integer()) {
            csv_options.label_index = value.get<int64_t>();
            csv_options.label_column.clear();
        } else {
            data.wrong_type("label_column", "a column name (a string) or a column index (an integer, -1 the last)");
        }
    }
    if (const auto header = data.boolean("header")) csv_options.csv.header = *header;
    csv_options.csv.skip_rows = data.integer("skip_rows", 0, int64_t{1} << 40).value_or(csv_options.csv.skip_rows);
    if (const auto test = data.string("test_file")) csv_options.test_file = *test;
    if (const auto split = data.number("test_split")) {
        if (!(*split > 0.0 && *split < 1.0)) data.wrong_type("test_split", "a fraction in (0, 1)");
        csv_options.test_split = *split;
    }
    csv_options.split_seed =
        static_cast<uint64_t>(data.integer("split_seed", 0, max_split_seed).value_or(csv_options.split_seed));
    if (!csv_options.test_file.empty() && csv_options.test_split > 0.0)
        data.fail("test_split", "the test rows come from test_file already; give test_file or test_split, not both");
    if (csv_options.test_file.empty() && csv_options.test_split == 0.0) {
        data.fail("dataset",
                  "a .csv dataset needs a test split: test_file = \"test.csv\", or test_split = a "
                  "fraction of the rows (drawn with split_seed)");
    }
}

Description data_source_description(const std::string& kind, const CsvDatasetOptions& csv,
                                    const std::vector<std::string>& class_names) {
    Description data = Description::object();
    if (!class_names.empty()) data["class_names"] = class_names;
    if (kind != "csv") return data;
    if (csv.label_column.empty()) {
        data["label_column"] = csv.label_index;
    } else {
        data["label_column"] = csv.label_column;
    }
    if (csv.csv.header) data["header"] = *csv.csv.header;
    data["skip_rows"] = csv.csv.skip_rows;
    if (!csv.test_file.empty()) data["test_file"] = csv.test_file.string();
    if (csv.test_split > 0.0) {
        data["test_split"] = csv.test_split;
        data["split_seed"] = csv.split_seed;
    }
    return data;
}

}  // namespace nnlab
