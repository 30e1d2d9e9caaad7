// IDX files (MNIST, Fashion-MNIST), gzip'd or not, read through zlib.
#include "nnlab/data/formats/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <system_error>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/data/formats/archive_reader.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

constexpr uint8_t ubyte_type = 0x08;
// 4 GiB, seven times the largest IDX dataset published (EMNIST ByClass, 547 MB of training images): anything larger
// is a corrupt header, not a dataset.
constexpr int64_t max_bytes = int64_t{1} << 32;
// Deflate stores at most 1032 bytes in one (a run of zeros, each 258-byte match in a one-bit code), so a gzip'd
// file of n bytes holds at most 1032 n bytes of data.
constexpr int64_t max_deflate_ratio = 1032;

struct GzClose {
    void operator()(gzFile_s* file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<gzFile_s, GzClose>;

std::string hex(uint32_t value) {
    std::array<char, 11> text{};
    std::snprintf(text.data(), text.size(), "0x%08X", value);
    return text.data();
}

// "IDX images (unsigned bytes, 3 dimensions)" for a magic number that is one, else nothing.
std::string describe_magic(uint32_t magic) {
    if ((magic >> 16) != 0 || ((magic >> 8) & 0xFF) != ubyte_type) return {};
    const uint32_t rank = magic & 0xFF;
    const std::string what = rank == 1 ? "labels" : rank == 3 ? "images" : "an array";
    return "IDX " + what + " (unsigned bytes, " + std::to_string(rank) + (rank == 1 ? " dimension)" : " dimensions)");
}

// Reads up to `bytes` bytes; returns how many came. A gzip stream that is cut short or corrupt is an error only
// when it costs bytes, and then the caller reports the sizes.
int64_t read_up_to(gzFile_s* file, uint8_t* out, int64_t bytes, std::string& gz_error) {
    int64_t got = 0;
    while (got < bytes) {
        const unsigned chunk = static_cast<unsigned>(std::min<int64_t>(bytes - got, 1 << 30));
        const int n = gzread(file, out + got, chunk);
        if (n <= 0) {
            int code = Z_OK;
            const char* message = gzerror(file, &code);
            if (code != Z_OK && message != nullptr) gz_error = message;
            break;
        }
        got += n;
    }
    return got;
}

[[noreturn]] void throw_truncated(const fs::path& path, const std::string& part, int64_t expected, int64_t found,
                                  const std::string& gz_error) {
    throw Error("IDX file " + path.string() + " is truncated: its " + part + " needs " + with_thousands(expected) +
                " bytes, found " + with_thousands(found) + (gz_error.empty() ? "" : " (zlib: " + gz_error + ")") +
                "; download it again");
}

// A header claiming more data than the file could hold is refused before anything is allocated for it.
void check_file_can_hold(gzFile_s* file, const fs::path& path, const std::vector<int64_t>& dims, int64_t needed) {
    std::error_code error;
    const uintmax_t file_bytes = fs::file_size(path, error);
    if (error) throw Error("cannot read the size of IDX file " + path.string() + ": " + error.message());
    const auto held = static_cast<int64_t>(std::min(file_bytes, static_cast<uintmax_t>(max_bytes)));
    if (gzdirect(file) == 1) {  // a plain file
        if (needed > held) throw_truncated(path, "data", needed, held, "");
        return;
    }
    if (needed <= held * max_deflate_ratio) return;
    std::string shape;
    for (const int64_t d : dims) shape += (shape.empty() ? "" : "×") + std::to_string(d);
    throw Error("IDX file " + path.string() + " is truncated or corrupt: its header claims " + shape + " = " +
                with_thousands(needed) + " bytes with the header, but its " + with_thousands(held) +
                " bytes gzip'd hold at most " + with_thousands(held * max_deflate_ratio) + "; download it again");
}

uint32_t big_endian(const uint8_t* bytes) {
    return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) | bytes[3];
}

// The file of `name` in `folder`, plain or gzip'd (the plain one first: it is faster to read).
fs::path find_file(const fs::path& folder, const std::string& name) {
    std::error_code error;
    for (const fs::path& path : {folder / name, folder / (name + ".gz")}) {
        if (fs::is_regular_file(path, error)) return path;
    }
    throw Error("IDX file " + (folder / name).string() + "[.gz] is missing: neither " + name + " nor " + name +
                ".gz is in " + folder.string() +
                "; an IDX dataset folder holds train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each gzip'd (.gz) or not");
}

// One split: images (N, rows, cols) and labels (N) from their two files, checked against each other.
Dataset load_split(const fs::path& images_path, const fs::path& labels_path,
                   const std::vector<std::string>& class_names) {
    IdxArray images = read_idx(images_path, 3);
    IdxArray labels = read_idx(labels_path, 1);
    if (images.dims[0] != labels.dims[0]) {
        throw Error("IDX files " + images_path.string() + " and " + labels_path.string() +
                    " do not match: the first holds " + with_thousands(static_cast<int64_t>(images.dims[0])) +
                    " images, the second " + with_thousands(static_cast<int64_t>(labels.dims[0])) +
                    " labels; expected one label per image (are they from the same download?)");
    }
    if (images.dims[0] == 0 || images.dims[1] == 0 || images.dims[2] == 0) {
        throw Error("IDX file " + images_path.string() + " holds " +
                    with_thousands(static_cast<int64_t>(images.dims[0])) + " images of " +
                    std::to_string(images.dims[1]) + "×" + std::to_string(images.dims[2]) +
                    " pixels; expected at least one image of at least 1×1 pixels");
    }
    Dataset data;
    data.image_shape = Shape{images.dims[1], images.dims[2], 1};
    data.class_names = class_names;
    data.labels.resize(labels.data.size());
    for (size_t i = 0; i < labels.data.size(); ++i) {
        if (labels.data[i] >= class_names.size()) {
            throw Error("IDX file " + labels_path.string() + ": label " + std::to_string(i) + " is " +
                        std::to_string(labels.data[i]) + ", expected 0–" + std::to_string(class_names.size() - 1) +
                        " (" + std::to_string(class_names.size()) + " classes)");
        }
        data.labels[i] = labels.data[i];
    }
    data.images = std::move(images.data);
    return data;
}

}  // namespace

IdxArray read_idx(const fs::path& path, int expected_rank) {
    // gzopen reads a plain file as it is, so one path serves both kinds.
    GzFile file(gzopen(path.c_str(), "rb"));
    if (!file)
        throw Error("cannot open IDX file " + path.string() + " for reading; check that it exists and its permissions");
    gzbuffer(file.get(), 1 << 18);
    std::string gz_error;
    std::array<uint8_t, 4> head{};
    if (const int64_t got = read_up_to(file.get(), head.data(), 4, gz_error); got < 4) {
        throw_truncated(path, "magic number", 4, got, gz_error);
    }
    const uint32_t magic = big_endian(head.data());
    const uint32_t expected = (uint32_t{ubyte_type} << 8) | static_cast<uint32_t>(expected_rank);
    if (magic != expected) {
        const std::string found = describe_magic(magic);
        throw Error("IDX file " + path.string() + " has the wrong magic number: expected " + hex(expected) + " (" +
                    describe_magic(expected).substr(4) + "), found " + hex(magic) +
                    (found.empty() ? " (not an IDX file of unsigned bytes)" : " (" + found.substr(4) + ")") +
                    "; check that images and labels files are not swapped and the file is not damaged");
    }
    IdxArray array;
    std::vector<uint8_t> dims(static_cast<size_t>(4 * expected_rank));
    if (const int64_t got = read_up_to(file.get(), dims.data(), static_cast<int64_t>(dims.size()), gz_error);
        got < static_cast<int64_t>(dims.size())) {
        throw_truncated(path, "header", 4 + static_cast<int64_t>(dims.size()), 4 + got, gz_error);
    }
    int64_t bytes = 1;
    for (int d = 0; d < expected_rank; ++d) {
        array.dims.push_back(big_endian(dims.data() + 4 * d));
        if (array.dims.back() > 0 && bytes > max_bytes / array.dims.back()) {
            throw Error("IDX file " + path.string() + " has a corrupt header: its dimensions describe more than " +
                        with_thousands(static_cast<int64_t>(max_bytes)) + " bytes; download it again");
        }
        bytes *= array.dims.back();
    }
    const int64_t header = 4 + 4 * int64_t{expected_rank};
    check_file_can_hold(file.get(), path, array.dims, header + bytes);
    // Grown as data arrives, so that even a gzip stream that ends early costs no more than it holds.
    constexpr int64_t step = int64_t{1} << 24;
    while (static_cast<int64_t>(array.data.size()) < bytes) {
        const int64_t have = static_cast<int64_t>(array.data.size());
        const int64_t want = std::min(step, bytes - have);
        array.data.resize(static_cast<size_t>(have + want));
        const int64_t got = read_up_to(file.get(), array.data.data() + have, want, gz_error);
        if (got < want) throw_truncated(path, "data", header + bytes, header + have + got, gz_error);
    }
    uint8_t extra = 0;
    if (read_up_to(file.get(), &extra, 1, gz_error) != 0) {
        throw Error("IDX file " + path.string() + " is longer than its header says: expected " +
                    with_thousands(static_cast<int64_t>(header + bytes)) +
                    " bytes of data and header, found more; it is not an IDX file of this shape");
    }
    return array;
}

DatasetSplits load_idx_dataset(const fs::path& folder, const std::vector<std::string>& class_names) {
    std::error_code error;
    if (!fs::is_directory(folder, error)) {
        throw Error("IDX dataset folder " + folder.string() + " does not exist or is not a folder");
    }
    // Every file is found before the first is read, so a missing one fails fast.
    const fs::path train_images = find_file(folder, "train-images-idx3-ubyte");
    const fs::path train_labels = find_file(folder, "train-labels-idx1-ubyte");
    const fs::path test_images = find_file(folder, "t10k-images-idx3-ubyte");
    const fs::path test_labels = find_file(folder, "t10k-labels-idx1-ubyte");
    DatasetSplits splits;
    splits.train = load_split(train_images, train_labels, class_names);
    splits.test = load_split(test_images, test_labels, class_names);
    if (splits.train.image_shape != splits.test.image_shape) {
        throw Error("IDX files " + train_images.string() + " and " + test_images.string() +
                    " hold images of different sizes: " + splits.train.image_shape.to_string() + " and " +
                    splits.test.image_shape.to_string() + "; expected both splits of one dataset");
    }
    return splits;
}

}  // namespace nnlab
