// CIFAR-100 in its official binary distribution: the extracted `cifar-100-binary/` folder or the
// `cifar-100-binary.tar.gz` archive itself (Keras: keras.datasets.cifar100).
#pragma once

#include <filesystem>

#include "nnlab/data/dataset.hpp"

namespace nnlab {

// Which of the two labels every image carries becomes Dataset::labels (Keras: label_mode="fine"|"coarse").
enum class Cifar100Labels { fine, coarse };

// `location` is the cifar-100-binary folder or the archive. Images come back as (32, 32, 3) uint8, channels
// last; 100 fine classes (fine_label_names.txt) or 20 coarse superclasses (coarse_label_names.txt).
// Throws nnlab::Error naming the file, the expected size and the size found.
DatasetSplits load_cifar100(const std::filesystem::path& location, Cifar100Labels labels = Cifar100Labels::fine);

}  // namespace nnlab
