// A folder of images, one subfolder per class (Keras: keras.utils.image_dataset_from_directory).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "nnlab/data/dataset.hpp"

namespace nnlab {

struct ImageFolderOptions {
    // (height, width) every image is resized to, bilinearly (Keras's default interpolation); without it all
    // images must already share one size. Keras defaults to (256, 256); here the files' own size is kept.
    std::optional<std::pair<int64_t, int64_t>> image_size;
    std::string color_mode = "rgb";  // "rgb" (3 channels) or "grayscale" (1 channel)
};

// `directory`/<class>/*.jpg|*.jpeg|*.png (extensions in any case; other files are skipped): classes are the
// subfolder names sorted (hidden ones, starting with '.', skipped), label i for the i-th; examples come class by
// class, files sorted by name. Throws nnlab::Error naming the folder when there are fewer than two class folders
// or one holds no image, and naming the file when an image is corrupt or its size differs from the first one's.
Dataset image_dataset_from_directory(const std::filesystem::path& directory, const ImageFolderOptions& options = {});

// A root with both train/ and test/ subfolders gives both splits (their classes must be the same); any other
// root is the training split alone and the test split is empty (same classes and image shape, no examples).
DatasetSplits load_image_folder(const std::filesystem::path& root, const ImageFolderOptions& options = {});

}  // namespace nnlab
