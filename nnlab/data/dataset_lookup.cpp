// Where datasets are found: --data DIR, else $NNLAB_DATA, else ~/.cache/nnlab/datasets.
#include "nnlab/data/dataset_lookup.hpp"

#include <cstdlib>
#include <string>
#include <system_error>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/data/dataset_catalog.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// "To get it, …", given the roots as "A or B": the official files the catalog lists, and where they go.
std::string how_to_get(const KnownDataset& dataset, const std::string& folders) {
    const std::vector<DatasetFile>& files = dataset.source.files;
    std::string text = "To get it, ";
    if (!dataset.system_package.empty()) {
        text += "run `apt-get install " + dataset.system_package + "` (Debian; it installs to " +
                dataset.system_folder + "/), or ";
    }
    if (files.size() == 1) {  // an archive: CIFAR
        return text + "download " + files.front().url + " (about " + dataset.size_text + ") and put it, or the " +
               dataset.folder + " folder extracted from it, in " + folders +
               "; or point --data or NNLAB_DATA at the folder that holds it.";
    }
    // Files of a folder: MNIST and Fashion-MNIST.
    std::vector<std::string> names;
    for (const DatasetFile& file : files) names.push_back(file.path.substr(file.path.rfind('/') + 1));
    const std::string base = files.front().url.substr(0, files.front().url.rfind('/') + 1);
    return text + "download " + join(names) + " from " + base + " (about " + dataset.size_text + ") into a folder " +
           dataset.folder + "/ in " + folders + "; or point --data or NNLAB_DATA at the folder that holds " +
           dataset.folder + "/.";
}

DatasetSplits load_known(const KnownDataset& dataset, const std::vector<fs::path>& roots) {
    std::vector<std::string> looked_at;
    for (const fs::path& root : roots) {
        // The first copy found is loaded; its own errors (a truncated file, …) are the user's answer.
        if (const fs::path found = dataset.find(root, looked_at); !found.empty()) return dataset.load(found);
    }
    if (!dataset.system_folder.empty()) {
        std::error_code error;
        looked_at.push_back(dataset.system_folder + "/");
        if (fs::is_directory(dataset.system_folder, error)) return dataset.load(dataset.system_folder);
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
    message += how_to_get(dataset, folders.empty() ? "a folder" : folders);
    const std::string target = roots.empty() ? std::string() : " --data " + roots.front().string();
    message += "\nOr let nnlab fetch and check it: nnlab download " + dataset.source.name + target;
    throw Error(message);
}

// A path named by `name`: as given, else inside a root; empty when neither exists.
fs::path find_path(std::string_view name, const std::vector<fs::path>& roots) {
    std::error_code error;
    const fs::path path(name);
    if (!name.empty() && fs::exists(path, error)) return path;
    if (path.is_relative() && !name.empty()) {
        for (const fs::path& root : roots) {
            if (fs::exists(root / path, error)) return root / path;
        }
    }
    return {};
}

bool is_csv_name(std::string_view name) {
    return name.size() > 4 && (name.ends_with(".csv") || name.ends_with(".CSV"));
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
    for (const KnownDataset& dataset : dataset_catalog()) names.emplace_back(dataset.name);
    return names;
}

std::optional<Shape> known_image_shape(std::string_view name) {
    if (const KnownDataset* dataset = find_in_catalog(name)) return dataset->image_shape;
    return std::nullopt;
}

DatasetSplits load_dataset(std::string_view name, const std::optional<fs::path>& data_dir) {
    return load_dataset(name, data_dir, ImageFolderOptions{});
}

std::string dataset_source_kind(std::string_view name, const std::optional<fs::path>& data_dir) {
    if (find_in_catalog(name) != nullptr) return "known";
    if (is_csv_name(name)) return "csv";
    if (name.ends_with(".npz")) return "numpy";
    const fs::path found = find_path(name, dataset_search_roots(data_dir));
    if (!found.empty() && is_numpy_dataset(found)) return "numpy";
    return "images";
}

DatasetSplits load_dataset(std::string_view name, const std::optional<fs::path>& data_dir,
                           const ImageFolderOptions& image_folder) {
    return load_dataset(name, data_dir, DataSourceOptions{.image_folder = image_folder});
}

DatasetSplits load_dataset(std::string_view name, const std::optional<fs::path>& data_dir,
                           const DataSourceOptions& options) {
    const std::vector<fs::path> roots = dataset_search_roots(data_dir);
    if (const KnownDataset* dataset = find_in_catalog(name)) return load_known(*dataset, roots);
    const fs::path found = find_path(name, roots);
    std::error_code error;
    if (!found.empty() && is_csv_name(name)) {
        CsvDatasetOptions csv = options.csv;
        csv.class_names = options.class_names;
        if (!csv.test_file.empty()) {
            const fs::path test = find_path(csv.test_file.string(), roots);
            if (test.empty()) throw KeyError("test_file", "test_file: no file " + csv.test_file.string());
            csv.test_file = test;
        }
        return load_csv_dataset(found, csv);
    }
    if (!found.empty() && is_numpy_dataset(found)) return load_numpy_dataset(found, options.class_names);
    if (!found.empty() && fs::is_directory(found, error)) return load_image_folder(found, options.image_folder);
    const std::string names = join(known_datasets());
    std::string places;
    for (const fs::path& root : roots) places += ", " + (root / fs::path(name)).string();
    throw KeyError("dataset", "unknown dataset '" + std::string(name) + "'; known datasets: " + names +
                                  "; or the path of an image folder (<folder>/<class>/<image>.jpg|.png), NumPy "
                                  "arrays (.npz, or a folder of x_train.npy, …) or a .csv file, and there "
                                  "is nothing at " +
                                  std::string(name) + places);
}

}  // namespace nnlab
