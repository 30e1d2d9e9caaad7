// The datasets nnlab knows by name, in one table: where a copy is looked for, how it is read, and the official
// files with their checksums (what nnlab download fetches and what the not-found message tells a user to get).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "nnlab/core/shape.hpp"
#include "nnlab/data/dataset.hpp"
#include "nnlab/data/fetch/download.hpp"

namespace nnlab {

struct KnownDataset {
    std::string name;   // as Keras names it: "cifar100"
    std::string title;  // as its authors name it: "CIFAR-100"
    Shape image_shape;
    DatasetSource source;   // the official files (cifar100_coarse shares cifar100's: source.name says whose)
    std::string size_text;  // "163 MB", for the not-found message
    std::string folder;     // the folder its files make in a data folder: "cifar-10-batches-bin", "mnist"
    // The copy inside `root`, or an empty path; every path tried is appended to `looked_at`.
    std::filesystem::path (*find)(const std::filesystem::path& root, std::vector<std::string>& looked_at);
    DatasetSplits (*load)(const std::filesystem::path& found);
    // A folder searched after the roots (where a system package installs the dataset), or empty.
    std::string system_folder;
    std::string system_package;  // the Debian package that installs it there, or empty
};

// cifar10, cifar100, cifar100_coarse, mnist, fashion_mnist, in that order.
const std::vector<KnownDataset>& dataset_catalog();
// The entry of that name, or nullptr.
const KnownDataset* find_in_catalog(std::string_view name);

}  // namespace nnlab
