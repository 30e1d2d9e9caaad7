// Where datasets are found: --data DIR, else $NNLAB_DATA, else ~/.cache/nnlab/datasets.
#include "nnlab/data/dataset_lookup.hpp"

#include <cstdlib>
#include <string>
#include <system_error>

#include "nnlab/core/error.hpp"
#include "nnlab/data/cifar10.hpp"
#include "nnlab/data/cifar100.hpp"
#include "nnlab/data/idx.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

// Where Debian's dataset-fashion-mnist package installs the gzip'd IDX files.
constexpr const char* debian_fashion_mnist = "/usr/share/datasets/fashion-mnist";

// One dataset known by name: how to find a copy in a root, how to load it and what to tell a user who has none.
struct KnownDataset {
    const char* name;   // as Keras names it: "cifar100"
    const char* title;  // as its authors name it: "CIFAR-100"
    Shape image_shape;
    // The copy inside `root`, or an empty path; every path tried is appended to `looked_at`.
    fs::path (*find)(const fs::path& root, std::vector<std::string>& looked_at);
    DatasetSplits (*load)(const fs::path& found);
    // A folder searched after the roots (where a system package installs the dataset), or nullptr.
    const char* system_folder;
    // "To get it, …", given the roots as "A or B".
    std::string (*how_to_get)(const std::string& folders);
};

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// The first of `candidates` that is a folder, or an empty path; each is listed (with a trailing /) as tried.
fs::path first_folder(std::initializer_list<fs::path> candidates, std::vector<std::string>& looked_at) {
    std::error_code error;
    for (const fs::path& folder : candidates) {
        looked_at.push_back(folder.string() + "/");
        if (fs::is_directory(folder, error)) return folder;
    }
    return {};
}

// A CIFAR copy in `root`: the extracted folder, the archive, or the root itself being either of them (renamed,
// or --data pointing into it); `marker` is a file only the extracted folder holds, `folder_words` names that folder
// in the list of places looked at.
fs::path find_cifar(const fs::path& root, const char* folder_name, const char* archive_name, const char* marker,
                    const char* folder_words, std::vector<std::string>& looked_at) {
    std::error_code error;
    if (fs::path folder = first_folder({root / folder_name}, looked_at); !folder.empty()) return folder;
    const fs::path archive = root / archive_name;
    looked_at.push_back(archive.string());
    if (fs::is_regular_file(archive, error)) return archive;
    looked_at.push_back(root.string() + " (as the " + folder_words + " or the archive itself)");
    if (fs::is_regular_file(root / marker, error)) return root;
    if (fs::is_regular_file(root, error)) return root;
    return {};
}

std::string cifar_how_to_get(const char* url, const char* size, const char* folder_name, const std::string& folders) {
    return "To get it, download " + std::string(url) + " (about " + size + ") and put it, or the " + folder_name +
           " folder extracted from it, in " + folders + "; or point --data or NNLAB_DATA at the folder that holds it.";
}

std::string idx_how_to_get(const char* where, const char* folder_name, const std::string& folders) {
    return std::string("To get it, download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, ") +
           "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz from " + where + " into a folder " + folder_name +
           "/ in " + folders + "; or point --data or NNLAB_DATA at the folder that holds " + folder_name + "/.";
}

const std::vector<std::string> digit_names = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
// Keras's names for the Fashion-MNIST labels 0–9.
const std::vector<std::string> fashion_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

const std::vector<KnownDataset>& known() {
    static const std::vector<KnownDataset> table = {
        {"cifar10", "CIFAR-10", Shape{32, 32, 3},
         [](const fs::path& root, std::vector<std::string>& looked_at) {
             return find_cifar(root, "cifar-10-batches-bin", "cifar-10-binary.tar.gz", "data_batch_1.bin",
                               "batches folder", looked_at);
         },
         [](const fs::path& found) { return load_cifar10(found); }, nullptr,
         [](const std::string& folders) {
             return cifar_how_to_get("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", "163 MB",
                                     "cifar-10-batches-bin", folders);
         }},
        {"cifar100", "CIFAR-100", Shape{32, 32, 3},
         [](const fs::path& root, std::vector<std::string>& looked_at) {
             return find_cifar(root, "cifar-100-binary", "cifar-100-binary.tar.gz", "fine_label_names.txt",
                               "cifar-100-binary folder", looked_at);
         },
         [](const fs::path& found) { return load_cifar100(found, Cifar100Labels::fine); }, nullptr,
         [](const std::string& folders) {
             return cifar_how_to_get("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz", "161 MB",
                                     "cifar-100-binary", folders);
         }},
        {"cifar100_coarse", "CIFAR-100", Shape{32, 32, 3},
         [](const fs::path& root, std::vector<std::string>& looked_at) {
             return find_cifar(root, "cifar-100-binary", "cifar-100-binary.tar.gz", "fine_label_names.txt",
                               "cifar-100-binary folder", looked_at);
         },
         [](const fs::path& found) { return load_cifar100(found, Cifar100Labels::coarse); }, nullptr,
         [](const std::string& folders) {
             return cifar_how_to_get("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz", "161 MB",
                                     "cifar-100-binary", folders);
         }},
        {"mnist", "MNIST", Shape{28, 28, 1},
         [](const fs::path& root, std::vector<std::string>& looked_at) {
             return first_folder({root / "mnist"}, looked_at);
         },
         [](const fs::path& found) { return load_idx_dataset(found, digit_names); }, nullptr,
         [](const std::string& folders) {
             return idx_how_to_get("https://storage.googleapis.com/cvdf-datasets/mnist/ (about 11 MB)", "mnist",
                                   folders);
         }},
        {"fashion_mnist", "Fashion-MNIST", Shape{28, 28, 1},
         [](const fs::path& root, std::vector<std::string>& looked_at) {
             return first_folder({root / "fashion-mnist", root / "fashion_mnist"}, looked_at);
         },
         [](const fs::path& found) { return load_idx_dataset(found, fashion_names); }, debian_fashion_mnist,
         [](const std::string& folders) {
             return "To get it, run `apt-get install dataset-fashion-mnist` (Debian; it installs to " +
                    std::string(debian_fashion_mnist) + "/), or " +
                    idx_how_to_get("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ (about 30 MB)",
                                   "fashion-mnist", folders)
                        .substr(std::string("To get it, ").size());
         }},
    };
    return table;
}

const KnownDataset* find_known(std::string_view name) {
    for (const KnownDataset& dataset : known()) {
        if (dataset.name == name) return &dataset;
    }
    return nullptr;
}

DatasetSplits load_known(const KnownDataset& dataset, const std::vector<fs::path>& roots) {
    std::vector<std::string> looked_at;
    for (const fs::path& root : roots) {
        // The first copy found is loaded; its own errors (a truncated file, …) are the user's answer.
        if (const fs::path found = dataset.find(root, looked_at); !found.empty()) return dataset.load(found);
    }
    if (dataset.system_folder != nullptr) {
        const fs::path found = first_folder({fs::path(dataset.system_folder)}, looked_at);
        if (!found.empty()) return dataset.load(found);
    }
    std::string message = std::string(dataset.title) + " not found.";
    if (roots.empty()) {
        message += " There is no folder to look in: --data was not given, and NNLAB_DATA and HOME are not set.";
    }
    if (!looked_at.empty()) {
        message += " Looked at:\n";
        for (const std::string& path : looked_at) message += "  " + path + "\n";
    } else {
        message += "\n";
    }
    std::string folders;
    for (const fs::path& root : roots) folders += (folders.empty() ? "" : " or ") + root.string();
    message += dataset.how_to_get(folders.empty() ? "a folder" : folders);
    const std::string target = roots.empty() ? std::string() : " --data " + roots.front().string();
    const std::string download_name = std::string(dataset.name) == "cifar100_coarse" ? "cifar100" : dataset.name;
    message += "\nOr let nnlab fetch and check it: nnlab download " + download_name + target;
    throw Error(message);
}

// An image folder named by `name`: a folder path as given, else a folder of that name in a root.
fs::path find_image_folder(std::string_view name, const std::vector<fs::path>& roots) {
    std::error_code error;
    const fs::path path(name);
    if (!name.empty() && fs::is_directory(path, error)) return path;
    if (path.is_relative() && !name.empty()) {
        for (const fs::path& root : roots) {
            if (fs::is_directory(root / path, error)) return root / path;
        }
    }
    return {};
}

}  // namespace

std::vector<fs::path> dataset_search_roots(const std::optional<fs::path>& data_dir) {
    if (data_dir && !data_dir->empty()) return {*data_dir};
    if (const std::string from_env = env("NNLAB_DATA"); !from_env.empty()) return {fs::path(from_env)};
    if (const std::string home = env("HOME"); !home.empty()) return {fs::path(home) / ".cache" / "nnlab" / "datasets"};
    return {};  // no HOME: nowhere to look unless told; load_dataset says so
}

std::vector<std::string> known_datasets() {
    std::vector<std::string> names;
    for (const KnownDataset& dataset : known()) names.emplace_back(dataset.name);
    return names;
}

std::optional<Shape> known_image_shape(std::string_view name) {
    if (const KnownDataset* dataset = find_known(name)) return dataset->image_shape;
    return std::nullopt;
}

DatasetSplits load_dataset(std::string_view name, const std::optional<fs::path>& data_dir) {
    return load_dataset(name, data_dir, ImageFolderOptions{});
}

DatasetSplits load_dataset(std::string_view name, const std::optional<fs::path>& data_dir,
                           const ImageFolderOptions& image_folder) {
    const std::vector<fs::path> roots = dataset_search_roots(data_dir);
    if (const KnownDataset* dataset = find_known(name)) return load_known(*dataset, roots);
    if (const fs::path folder = find_image_folder(name, roots); !folder.empty()) {
        return load_image_folder(folder, image_folder);
    }
    std::string names, places;
    for (const std::string& known_name : known_datasets()) names += (names.empty() ? "" : ", ") + known_name;
    for (const fs::path& root : roots) places += ", " + (root / fs::path(name)).string();
    throw KeyError("dataset", "unknown dataset '" + std::string(name) + "'; known datasets: " + names +
                                  "; or the path of an image folder (<folder>/<class>/<image>.jpg|.png), and there "
                                  "is no folder at " +
                                  std::string(name) + places);
}

}  // namespace nnlab
