// CIFAR-10 in its official binary distribution: the extracted `cifar-10-batches-bin/` folder or the
// `cifar-10-binary.tar.gz` archive itself (Keras: keras.datasets.cifar10).
#pragma once

#include <filesystem>

#include "nnlab/data/dataset.hpp"

namespace nnlab {

// `location` is the batches folder or the archive. Images come back as (32, 32, 3) uint8, channels
// last (the files store each image as three 32×32 planes); class names from batches.meta.txt.
// Throws nnlab::Error naming the file, the expected size and the size found.
DatasetSplits load_cifar10(const std::filesystem::path& location);

}  // namespace nnlab
