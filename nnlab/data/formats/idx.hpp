// IDX files, the format of MNIST and Fashion-MNIST, gzip'd or not (Keras: keras.datasets.mnist and
// keras.datasets.fashion_mnist, which read the same files).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nnlab/data/dataset.hpp"

namespace nnlab {

// The contents of one IDX file of unsigned bytes: dims[0] items of dims[1] × dims[2] … bytes each.
struct IdxArray {
    std::vector<int64_t> dims;
    std::vector<uint8_t> data;
};

// Reads `path` (plain, or gzip'd when its bytes say so, whatever its name) and checks its magic number:
// 0x00000801 for labels (rank 1), 0x00000803 for images (rank 3). Throws nnlab::Error naming the file on a
// wrong magic number (found and expected) or truncated data (expected and found bytes).
IdxArray read_idx(const std::filesystem::path& path, int expected_rank);

// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte in
// `folder`, each with or without .gz. Images become (rows, cols, 1) — (28, 28, 1) for MNIST. Throws
// nnlab::Error naming the file when one is missing, image and label counts differ or a label is not below
// class_names.size().
DatasetSplits load_idx_dataset(const std::filesystem::path& folder, const std::vector<std::string>& class_names);

}  // namespace nnlab
