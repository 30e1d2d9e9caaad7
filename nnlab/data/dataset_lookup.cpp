// Where datasets are found: --data DIR, else $NNLAB_DATA, else ~/.cache/nnlab/datasets.
#include "nnlab/data/dataset_lookup.hpp"

#include <cstdlib>
#include <string>
#include <system_error>

#include "nnlab/core/error.hpp"
#include "nnlab/data/cifar10.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

constexpr const char* cifar10_url = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// The CIFAR-10 copy inside `root`, or an empty path; every path tried is appended to `looked_at`.
fs::path find_cifar10(const fs::path& root, std::vector<std::string>& looked_at) {
    std::error_code error;
    const fs::path folder = root / "cifar-10-batches-bin", archive = root / "cifar-10-binary.tar.gz";
    looked_at.push_back(folder.string() + "/");
    if (fs::is_directory(folder, error)) return folder;
    looked_at.push_back(archive.string());
    if (fs::is_regular_file(archive, error)) return archive;
    // The root itself may be the extracted folder (renamed, or --data pointing into it) or the archive.
    looked_at.push_back(root.string() + " (as the batches folder or the archive itself)");
    if (fs::is_regular_file(root / "data_batch_1.bin", error)) return root;
    if (fs::is_regular_file(root, error)) return root;
    return {};
}

}  // namespace

std::vector<fs::path> dataset_search_roots(const std::optional<fs::path>& data_dir) {
    if (data_dir && !data_dir->empty()) return {*data_dir};
    if (const std::string from_env = env("NNLAB_DATA"); !from_env.empty()) return {fs::path(from_env)};
    if (const std::string home = env("HOME"); !home.empty()) return {fs::path(home) / ".cache" / "nnlab" / "datasets"};
    return {};  // no HOME: nowhere to look unless told; load_dataset says so
}

DatasetSplits load_dataset(std::string_view name, const std::optional<fs::path>& data_dir) {
    if (name != "cifar10") {
        throw KeyError("dataset", "unknown dataset '" + std::string(name) + "'; known datasets: cifar10");
    }
    const std::vector<fs::path> roots = dataset_search_roots(data_dir);
    std::vector<std::string> looked_at;
    for (const fs::path& root : roots) {
        // The first copy found is loaded; its own errors (a truncated file, …) are the user's answer.
        if (const fs::path found = find_cifar10(root, looked_at); !found.empty()) return load_cifar10(found);
    }
    std::string message = "CIFAR-10 not found.";
    if (roots.empty()) {
        message += " There is no folder to look in: --data was not given, and NNLAB_DATA and HOME are not set.\n";
    } else {
        message += " Looked at:\n";
        for (const std::string& path : looked_at) message += "  " + path + "\n";
    }
    std::string folders;
    for (const fs::path& root : roots) folders += (folders.empty() ? "" : " or ") + root.string();
    message += "To get it, download " + std::string(cifar10_url) + " (about 163 MB) and put it, or the " +
               "cifar-10-batches-bin folder extracted from it, in " + (folders.empty() ? "a folder" : folders) +
               "; or point --data or NNLAB_DATA at the folder that holds it.";
    throw Error(message);
}

}  // namespace nnlab
