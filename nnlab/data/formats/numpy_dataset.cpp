// NumPy datasets: x_train, y_train, x_test, y_test from an .npz file or a folder of .npy files.
#include <map>
#include <system_error>

#include "nnlab/core/error.hpp"
#include "nnlab/data/formats/array_dataset.hpp"
#include "nnlab/data/formats/npz.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string>& array_names() {
    static const std::vector<std::string> names{"x_train", "y_train", "x_test", "y_test"};
    return names;
}

}  // namespace

bool is_numpy_dataset(const fs::path& path) {
    std::error_code error;
    if (path.extension() == ".npz") return true;
    return fs::is_directory(path, error) && fs::is_regular_file(path / "x_train.npy", error);
}

DatasetSplits load_numpy_dataset(const fs::path& path, const std::vector<std::string>& class_names) {
    std::error_code error;
    const bool folder = fs::is_directory(path, error);
    std::map<std::string, NpyArray> arrays;
    if (folder) {
        for (const std::string& name : array_names()) {
            const fs::path file = path / (name + ".npy");
            if (!fs::is_regular_file(file, error))
                throw Error(path.string() + ": expected " + name +
                            ".npy in the folder (x_train, y_train, x_test and "
                            "y_test, as keras.datasets returns them), found none");
            arrays.emplace(name, read_npy_file(file));
        }
    } else {
        arrays = read_npz_file(path, array_names());
        for (const std::string& name : array_names()) {
            if (!arrays.contains(name))
                throw Error(path.string() +
                            ": expected the arrays x_train, y_train, x_test and y_test "
                            "(np.savez(file, x_train=…, …)), found no " +
                            name);
        }
    }
    const auto what = [&](const std::string& name) {
        return folder ? (path / (name + ".npy")).string() : path.string() + " (array '" + name + "')";
    };
    DatasetSplits data;
    data.train = dataset_from_arrays(arrays.at("x_train"), arrays.at("y_train"), what("x_train"), what("y_train"));
    arrays.erase("x_train");
    data.test = dataset_from_arrays(arrays.at("x_test"), arrays.at("y_test"), what("x_test"), what("y_test"));
    if (data.train.kind != data.test.kind || data.train.image_shape != data.test.image_shape) {
        throw Error(path.string() + ": x_train's examples are " + data.train.image_shape.to_string() +
                    (data.train.has_features() ? " floats" : " uint8") + " but x_test's are " +
                    data.test.image_shape.to_string() + (data.test.has_features() ? " floats" : " uint8") +
                    "; both splits must hold the same kind of example");
    }
    name_classes(data, class_names, path.string());
    return data;
}

}  // namespace nnlab
