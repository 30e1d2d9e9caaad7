// CIFAR-100 in its official binary distribution: the extracted folder or the .tar.gz archive, read in place.
#include "nnlab/data/formats/cifar100.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/data/formats/archive_reader.hpp"
#include "nnlab/data/formats/cifar_records.hpp"

namespace nnlab {
namespace {

constexpr int64_t side = 32;
constexpr int64_t plane = side * side;        // one colour plane, row-major 32×32
constexpr int64_t pixels = 3 * plane;         // 3,072 bytes of image per record
constexpr int64_t record_bytes = 2 + pixels;  // coarse label byte, fine label byte, then the image
constexpr int64_t official_train = 50'000;
constexpr int64_t official_test = 10'000;
constexpr size_t fine_classes = 100;
constexpr size_t coarse_classes = 20;
constexpr const char* folder_name = "cifar-100-binary";
constexpr const char* train_name = "train.bin";
constexpr const char* test_name = "test.bin";
constexpr const char* fine_names = "fine_label_names.txt";
constexpr const char* coarse_names = "coarse_label_names.txt";
constexpr const char* download_hint =
    "download https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz again and use the archive as it is, or the "
    "cifar-100-binary folder extracted from it";

DatasetFilesSpec files_spec() {
    return {.dataset = "CIFAR-100",
            .folder_name = folder_name,
            .names = {train_name, test_name, fine_names, coarse_names},
            .hint = download_hint,
            .max_file_bytes = official_train * record_bytes};
}

int64_t record_count(DatasetFiles& files, const std::string& name, int64_t official) {
    const uintmax_t bytes = files.size(name);
    if (bytes == 0 || bytes % record_bytes != 0) {
        throw Error("CIFAR-100 file " + name + " in " + files.where() + " has the wrong size: expected a multiple of " +
                    with_thousands(record_bytes) + " bytes (" + with_thousands(official * record_bytes) +
                    " for the official file), found " + with_thousands(bytes) + " bytes; it looks truncated; " +
                    download_hint);
    }
    return static_cast<int64_t>(bytes / record_bytes);
}

// Records (coarse, fine, R plane, G plane, B plane) -> the chosen labels and (N, 32, 32, 3) images.
Dataset load_split(DatasetFiles& files, const std::string& name, int64_t records, Cifar100Labels which,
                   const std::vector<std::string>& classes) {
    Dataset data;
    data.image_shape = Shape{side, side, 3};
    data.class_names = classes;
    data.images.resize(static_cast<size_t>(records * pixels));
    data.labels.resize(static_cast<size_t>(records));
    const std::span<const uint8_t> bytes = files.read(name);
    const int label_byte = which == Cifar100Labels::coarse ? 0 : 1;
    for (int64_t r = 0; r < records; ++r) {
        const uint8_t* record = bytes.data() + r * record_bytes;
        if (record[0] >= coarse_classes || record[1] >= fine_classes) {
            throw Error("CIFAR-100 file " + name + " in " + files.where() + ": record " + std::to_string(r) +
                        " has coarse label " + std::to_string(record[0]) + " and fine label " +
                        std::to_string(record[1]) +
                        ", expected 0–19 and 0–99; this is not a CIFAR-100 binary file (CIFAR-10 files have one "
                        "label byte); " +
                        download_hint);
        }
        data.labels[static_cast<size_t>(r)] = record[label_byte];
        planes_to_channels_last(record + 2, data.images.data() + r * pixels);
    }
    files.release(name);
    return data;
}

}  // namespace

DatasetSplits load_cifar100(const std::filesystem::path& location, Cifar100Labels labels) {
    const std::unique_ptr<DatasetFiles> files = DatasetFiles::open(location, files_spec(), "cifar-100-binary.tar.gz");
    // Both names files are checked whichever labels are asked for, and every file is sized before the first
    // record is decoded, so a bad copy fails fast and the same way in both label modes.
    const std::vector<std::string> fine = read_names_file(*files, fine_names, fine_classes);
    const std::vector<std::string> coarse = read_names_file(*files, coarse_names, coarse_classes);
    const std::vector<std::string>& classes = labels == Cifar100Labels::coarse ? coarse : fine;
    const int64_t train_records = record_count(*files, train_name, official_train);
    const int64_t test_records = record_count(*files, test_name, official_test);
    DatasetSplits splits;
    splits.train = load_split(*files, train_name, train_records, labels, classes);
    splits.test = load_split(*files, test_name, test_records, labels, classes);
    return splits;
}

}  // namespace nnlab
