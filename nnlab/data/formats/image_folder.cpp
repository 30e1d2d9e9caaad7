// A folder of images, one subfolder per class (Keras: keras.utils.image_dataset_from_directory).
#include "nnlab/data/formats/image_folder.hpp"

#include <algorithm>
#include <cctype>
#include <system_error>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/data/formats/image_decode.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

constexpr const char* layout_hint =
    "expected the layout of Keras image_dataset_from_directory: <folder>/<class name>/<image>.jpg|.jpeg|.png";

ColorMode parse_color_mode(const std::string& mode) {
    if (mode == "rgb") return ColorMode::rgb;
    if (mode == "grayscale") return ColorMode::grayscale;
    throw KeyError("color_mode", "color_mode must be \"rgb\" or \"grayscale\", found \"" + mode + "\"");
}

bool is_image_name(const fs::path& file) {
    std::string extension = file.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".jpg" || extension == ".jpeg" || extension == ".png";
}

bool is_image_file(const fs::directory_entry& entry) {
    std::error_code ignored;
    return !entry.is_directory(ignored) && is_image_name(entry.path());
}

// Names of the entries of `folder` that pass `keep`, sorted bytewise as Python's sorted() sorts them.
template <typename Keep>
std::vector<std::string> sorted_entries(const fs::path& folder, Keep keep) {
    std::vector<std::string> names;
    std::error_code error;
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
        if (keep(*it)) names.push_back(it->path().filename().string());
    }
    if (error) throw Error("cannot list folder " + folder.string() + ": " + error.message());
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> class_folders(const fs::path& directory) {
    std::error_code error;
    if (!fs::is_directory(directory, error)) {
        throw Error("image folder " + directory.string() + " does not exist or is not a folder; " + layout_hint);
    }
    std::vector<std::string> classes = sorted_entries(directory, [](const fs::directory_entry& entry) {
        std::error_code ignored;
        return entry.is_directory(ignored) && !entry.path().filename().string().starts_with(".");
    });
    if (classes.empty()) {
        const size_t images = sorted_entries(directory, is_image_file).size();
        throw Error("image folder " + directory.string() + " has no class folders" +
                    (images == 0
                         ? ""
                         : " (it holds " + std::to_string(images) + (images == 1 ? " image" : " images") + " itself)") +
                    "; " + layout_hint);
    }
    // Keras would train on one class, with a model whose every answer is right; that is never what was meant.
    if (classes.size() == 1) {
        throw Error("image folder " + directory.string() + " has one class folder (" + classes.front() +
                    "); a classifier needs at least two classes, one subfolder each; " + layout_hint);
    }
    return classes;
}

std::string size_text(const Image& image) {
    return std::to_string(image.height) + "×" + std::to_string(image.width) + " (height×width)";
}

}  // namespace

Dataset image_dataset_from_directory(const fs::path& directory, const ImageFolderOptions& options) {
    const ColorMode mode = parse_color_mode(options.color_mode);
    if (options.image_size && (options.image_size->first <= 0 || options.image_size->second <= 0)) {
        throw KeyError("image_size", "image_size must be two positive numbers (height, width), found (" +
                                         std::to_string(options.image_size->first) + ", " +
                                         std::to_string(options.image_size->second) + ")");
    }
    Dataset data;
    data.class_names = class_folders(directory);
    fs::path first_file;
    Image first;
    for (size_t label = 0; label < data.class_names.size(); ++label) {
        const fs::path folder = directory / data.class_names[label];
        const std::vector<std::string> files = sorted_entries(folder, is_image_file);
        if (files.empty()) {
            throw Error("class folder " + folder.string() +
                        " holds no .jpg, .jpeg or .png images; add images or remove the folder");
        }
        for (const std::string& name : files) {
            Image image = decode_image(folder / name, mode);
            if (options.image_size) {
                image = resize_bilinear(image, options.image_size->first, options.image_size->second);
            } else if (first_file.empty()) {
                first_file = folder / name;
                first = image;
            } else if (image.height != first.height || image.width != first.width) {
                throw Error("image " + (folder / name).string() + " is " + size_text(image) + " but " +
                            first_file.string() + " is " + size_text(first) +
                            "; all images must have one size, or set image_size to resize them");
            }
            data.image_shape = Shape{image.height, image.width, image.channels};
            data.images.insert(data.images.end(), image.pixels.begin(), image.pixels.end());
            data.labels.push_back(static_cast<int32_t>(label));
        }
    }
    return data;
}

DatasetSplits load_image_folder(const fs::path& root, const ImageFolderOptions& options) {
    std::error_code error;
    DatasetSplits splits;
    if (fs::is_directory(root / "train", error) && fs::is_directory(root / "test", error)) {
        splits.train = image_dataset_from_directory(root / "train", options);
        splits.test = image_dataset_from_directory(root / "test", options);
        if (splits.train.class_names != splits.test.class_names) {
            throw Error("image folder " + root.string() + ": the class folders of train/ (" +
                        std::to_string(splits.train.class_names.size()) + ") and test/ (" +
                        std::to_string(splits.test.class_names.size()) +
                        ") differ; both splits need the same class folders so labels mean the same");
        }
        if (splits.train.image_shape != splits.test.image_shape) {
            throw Error("image folder " + root.string() + ": train/ images are " +
                        splits.train.image_shape.to_string() + " but test/ images are " +
                        splits.test.image_shape.to_string() + "; set image_size to resize both to one size");
        }
        return splits;
    }
    splits.train = image_dataset_from_directory(root, options);
    splits.test.class_names = splits.train.class_names;
    splits.test.image_shape = splits.train.image_shape;
    return splits;
}

}  // namespace nnlab
