// Where datasets are found: --data DIR, else $NNLAB_DATA, else ~/.cache/nnlab/datasets.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nnlab/core/shape.hpp"
#include "nnlab/data/dataset.hpp"
#include "nnlab/data/formats/array_dataset.hpp"
#include "nnlab/data/formats/image_folder.hpp"

namespace nnlab {

// The folders searched, in order: data_dir when given (and not empty), else $NNLAB_DATA when set and
// not empty, else $HOME/.cache/nnlab/datasets; empty when none of the three is available.
std::vector<std::filesystem::path> dataset_search_roots(const std::optional<std::filesystem::path>& data_dir);

// The names load_dataset knows, as Keras names them: cifar10, cifar100, cifar100_coarse, mnist, fashion_mnist.
std::vector<std::string> known_datasets();

// (H, W, C) of a known dataset's images — (32, 32, 3) for CIFAR, (28, 28, 1) for (Fashion-)MNIST — without
// loading it; nullopt for other names (an image folder's shape is only known once it is read).
std::optional<Shape> known_image_shape(std::string_view name);

// How a dataset that is not a known one is read.
struct DataSourceOptions {
    ImageFolderOptions image_folder;       // a folder of images
    CsvDatasetOptions csv;                 // a .csv file
    std::vector<std::string> class_names;  // NumPy arrays and CSV files: the names of labels 0, 1, … (or "0", …)
};

// What kind of source `name` is without reading it: "known", "numpy" (an .npz, or a folder with x_train.npy),
// "csv" (a .csv file name), else "images" (a folder of images, or nothing that exists yet).
std::string dataset_source_kind(std::string_view name, const std::optional<std::filesystem::path>& data_dir);

// Loads a dataset by name (one of known_datasets()). Inside each root it looks for the dataset's usual folder
// or archive names (for CIFAR it also accepts the root itself being that folder or archive); Fashion-MNIST is
// also looked for where Debian's dataset-fashion-mnist package puts it, after the roots. A name that is none of
// these but an existing folder is loaded as an image folder (load_image_folder, with `image_folder` options); an
// .npz file or a folder with x_train.npy as NumPy arrays (load_numpy_dataset) and a .csv file as a CSV table
// (load_csv_dataset). Paths are taken as given, else inside each root.
// When nothing is found the error lists every place it looked and how to get the data.
DatasetSplits load_dataset(std::string_view name, const std::optional<std::filesystem::path>& data_dir);
DatasetSplits load_dataset(std::string_view name, const std::optional<std::filesystem::path>& data_dir,
                           const ImageFolderOptions& image_folder);
DatasetSplits load_dataset(std::string_view name, const std::optional<std::filesystem::path>& data_dir,
                           const DataSourceOptions& options);

}  // namespace nnlab
