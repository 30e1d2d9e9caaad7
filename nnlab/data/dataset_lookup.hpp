// Where datasets are found: --data DIR, else $NNLAB_DATA, else ~/.cache/nnlab/datasets.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "nnlab/data/dataset.hpp"

namespace nnlab {

// The folders searched, in order: data_dir when given (and not empty), else $NNLAB_DATA when set and
// not empty, else $HOME/.cache/nnlab/datasets; empty when none of the three is available.
std::vector<std::filesystem::path> dataset_search_roots(const std::optional<std::filesystem::path>& data_dir);

// Loads a dataset by name ("cifar10"). Inside each root it looks for the dataset's usual folder or
// archive names (and accepts the root itself being that folder). When nothing is found the error
// lists every place it looked and how to get the data.
DatasetSplits load_dataset(std::string_view name, const std::optional<std::filesystem::path>& data_dir);

}  // namespace nnlab
