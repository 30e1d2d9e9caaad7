// The datasets nnlab knows by name: one table for finding, reading and fetching them.
#include "nnlab/data/dataset_catalog.hpp"

#include <array>
#include <system_error>

#include "nnlab/data/formats/cifar10.hpp"
#include "nnlab/data/formats/cifar100.hpp"
#include "nnlab/data/formats/idx.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

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

fs::path find_cifar10(const fs::path& root, std::vector<std::string>& looked_at) {
    return find_cifar(root, "cifar-10-batches-bin", "cifar-10-binary.tar.gz", "data_batch_1.bin", "batches folder",
                      looked_at);
}

fs::path find_cifar100(const fs::path& root, std::vector<std::string>& looked_at) {
    return find_cifar(root, "cifar-100-binary", "cifar-100-binary.tar.gz", "fine_label_names.txt",
                      "cifar-100-binary folder", looked_at);
}

std::vector<DatasetFile> idx_files(const std::string& folder, const std::string& base_url,
                                   const std::array<std::string, 4>& md5s, const std::array<int64_t, 4>& sizes) {
    const std::array<std::string, 4> names = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                              "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
    std::vector<DatasetFile> files;
    for (size_t i = 0; i < names.size(); ++i) {
        files.push_back({folder + "/" + names[i], base_url + names[i], md5s[i], sizes[i]});
    }
    return files;
}

const std::vector<std::string> digit_names = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
// Keras's names for the Fashion-MNIST labels 0–9.
const std::vector<std::string> fashion_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

}  // namespace

const std::vector<KnownDataset>& dataset_catalog() {
    // MD5s and sizes as the publishers and torchvision/Keras list them.
    static const DatasetSource cifar10{
        "cifar10",
        {{"cifar-10-binary.tar.gz", "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
          "c32a1d4ab5d03f1284b67883e8d87530", 170052171}}};
    static const DatasetSource cifar100{
        "cifar100",
        {{"cifar-100-binary.tar.gz", "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz",
          "03b5dce01913d631647c71ecec9e9cb8", 168513733}}};
    static const std::vector<KnownDataset> table = {
        {"cifar10", "CIFAR-10", Shape{32, 32, 3}, cifar10, "163 MB", "cifar-10-batches-bin", find_cifar10,
         [](const fs::path& found) { return load_cifar10(found); }, "", ""},
        {"cifar100", "CIFAR-100", Shape{32, 32, 3}, cifar100, "161 MB", "cifar-100-binary", find_cifar100,
         [](const fs::path& found) { return load_cifar100(found, Cifar100Labels::fine); }, "", ""},
        {"cifar100_coarse", "CIFAR-100", Shape{32, 32, 3}, cifar100, "161 MB", "cifar-100-binary", find_cifar100,
         [](const fs::path& found) { return load_cifar100(found, Cifar100Labels::coarse); }, "", ""},
        {"mnist",
         "MNIST",
         Shape{28, 28, 1},
         {"mnist", idx_files("mnist", "https://storage.googleapis.com/cvdf-datasets/mnist/",
                             {"f68b3c2dcbeaaa9fbdd348bbdeb94873", "d53e105ee54ea40749a09fcbcd1e9432",
                              "9fb629c4189551a2d022fa330f9573f3", "ec29112dd5afa0611ce80d1b7f02629c"},
                             {9912422, 28881, 1648877, 4542})},
         "11 MB",
         "mnist",
         [](const fs::path& root, std::vector<std::string>& looked_at) {
             return first_folder({root / "mnist"}, looked_at);
         },
         [](const fs::path& found) { return load_idx_dataset(found, digit_names); },
         "",
         ""},
        {"fashion_mnist",
         "Fashion-MNIST",
         Shape{28, 28, 1},
         {"fashion_mnist", idx_files("fashion-mnist", "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                                     {"8d4fb7e6c68d591d4c3dfef9ec88bf0d", "25c81989df183df01b3e8a0aad5dffbe",
                                      "bef4ecab320f06d8554ea6380940ec79", "bb300cfdad3c16e7a12a480ee83cd310"},
                                     {26421880, 29515, 4422102, 5148})},
         "30 MB",
         "fashion-mnist",
         [](const fs::path& root, std::vector<std::string>& looked_at) {
             return first_folder({root / "fashion-mnist", root / "fashion_mnist"}, looked_at);
         },
         [](const fs::path& found) { return load_idx_dataset(found, fashion_names); },
         "/usr/share/datasets/fashion-mnist",
         "dataset-fashion-mnist"},
    };
    return table;
}

const KnownDataset* find_in_catalog(std::string_view name) {
    for (const KnownDataset& dataset : dataset_catalog())
        if (dataset.name == name) return &dataset;
    return nullptr;
}

}  // namespace nnlab
