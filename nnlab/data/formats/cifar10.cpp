// CIFAR-10 in its official binary distribution: the extracted folder or the .tar.gz archive, read in place.
#include "nnlab/data/formats/cifar10.hpp"

#include <array>
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
constexpr int64_t record_bytes = 1 + pixels;  // label byte first
constexpr int64_t official_records = 10'000;  // per official batch file
constexpr int64_t num_classes = 10;
constexpr const char* folder_name = "cifar-10-batches-bin";
constexpr const char* meta_name = "batches.meta.txt";
constexpr std::array<const char*, 5> train_names = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                                                    "data_batch_4.bin", "data_batch_5.bin"};
constexpr const char* test_name = "test_batch.bin";
constexpr const char* download_hint =
    "download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz again and use the archive as it is, or the "
    "cifar-10-batches-bin folder extracted from it";

DatasetFilesSpec files_spec() {
    std::vector<std::string> names(train_names.begin(), train_names.end());
    names.push_back(test_name);
    names.push_back(meta_name);
    return {.dataset = "CIFAR-10",
            .folder_name = folder_name,
            .names = names,
            .hint = download_hint,
            .max_file_bytes = official_records * record_bytes};
}

int64_t record_count(DatasetFiles& files, const std::string& name) {
    const uintmax_t bytes = files.size(name);
    if (bytes == 0 || bytes % record_bytes != 0) {
        throw Error("CIFAR-10 file " + name + " in " + files.where() + " has the wrong size: expected a multiple of " +
                    with_thousands(record_bytes) + " bytes (" + with_thousands(official_records * record_bytes) +
                    " for the official file), found " + with_thousands(bytes) + " bytes; it looks truncated; " +
                    download_hint);
    }
    return static_cast<int64_t>(bytes / record_bytes);
}

// Records (label, R plane, G plane, B plane) -> labels and (N, 32, 32, 3) images, channels last.
void decode_batch(DatasetFiles& files, const std::string& name, uint8_t* images, int32_t* labels) {
    const std::span<const uint8_t> bytes = files.read(name);
    const int64_t records = static_cast<int64_t>(bytes.size()) / record_bytes;
    for (int64_t r = 0; r < records; ++r) {
        const uint8_t* record = bytes.data() + r * record_bytes;
        if (record[0] >= num_classes) {
            throw Error("CIFAR-10 file " + name + " in " + files.where() + ": record " + std::to_string(r) +
                        " has label " + std::to_string(record[0]) +
                        ", expected 0–9; this is not a CIFAR-10 batch file (CIFAR-100 files have two label bytes); " +
                        download_hint);
        }
        labels[r] = record[0];
        planes_to_channels_last(record + 1, images + r * pixels);
    }
    files.release(name);
}

// Labels and (N, 32, 32, 3) images of the named batch files, concatenated in order; counts[i] records
// come from names[i].
Dataset load_split(DatasetFiles& files, std::span<const std::string> names, std::span<const int64_t> counts,
                   const std::vector<std::string>& classes) {
    int64_t total = 0;
    for (const int64_t count : counts) total += count;
    Dataset data;
    data.image_shape = Shape{side, side, 3};
    data.class_names = classes;
    data.images.resize(static_cast<size_t>(total * pixels));
    data.labels.resize(static_cast<size_t>(total));
    int64_t offset = 0;
    for (size_t i = 0; i < names.size(); ++i) {
        decode_batch(files, names[i], data.images.data() + offset * pixels, data.labels.data() + offset);
        offset += counts[i];
    }
    return data;
}

}  // namespace

DatasetSplits load_cifar10(const std::filesystem::path& location) {
    const std::unique_ptr<DatasetFiles> files = DatasetFiles::open(location, files_spec(), "cifar-10-binary.tar.gz");
    // Every file is found and sized before the first record is decoded, so a bad copy fails fast.
    const std::vector<std::string> classes = read_names_file(*files, meta_name, num_classes);
    const std::vector<std::string> train(train_names.begin(), train_names.end()), test = {test_name};
    std::vector<int64_t> train_counts, test_counts;
    for (const std::string& name : train) train_counts.push_back(record_count(*files, name));
    test_counts.push_back(record_count(*files, test_name));
    DatasetSplits splits;
    splits.train = load_split(*files, train, train_counts, classes);
    splits.test = load_split(*files, test, test_counts, classes);
    return splits;
}

}  // namespace nnlab
