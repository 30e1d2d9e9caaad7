// The [data] keys that say how NumPy arrays and CSV files are read (class_names; a CSV file's label_column,
// header, skip_rows, test_file, test_split, split_seed), read from a description and written back. Shared by the
// experiment file and the model file, so that evaluate and predict read a model's data as training did.
#pragma once

#include <string>
#include <vector>

#include "nnlab/config/reader.hpp"
#include "nnlab/data/formats/array_dataset.hpp"

namespace nnlab {

// Reads those keys of `data` into csv and class_names for a dataset of `kind` (dataset_source_kind's: "csv",
// "numpy", …; `dataset` names it in messages). Keys of another kind's dataset are an error, as is a CSV dataset
// without a test split. Throws config::ConfigError naming the key.
void read_data_source_keys(const config::Reader& data, const std::string& kind, const std::string& dataset,
                           CsvDatasetOptions& csv, std::vector<std::string>& class_names);

// The keys read_data_source_keys reads back, every one filled in for a CSV file; an empty object for other kinds.
config::Description data_source_description(const std::string& kind, const CsvDatasetOptions& csv,
                                            const std::vector<std::string>& class_names);

}  // namespace nnlab
