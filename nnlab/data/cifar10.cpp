// CIFAR-10 in its official binary distribution: the extracted folder or the .tar.gz archive, read in place.
#include "nnlab/data/cifar10.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

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

// 30730000 -> "30,730,000": sizes in messages are read by people.
std::string with_commas(uintmax_t value) {
    std::string digits = std::to_string(value), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

// The six batch files and the class names, from a folder or an archive. read() returns bytes that
// stay valid until the next read() or release().
class BatchFiles {
public:
    virtual ~BatchFiles() = default;
    // "folder /data/cifar-10-batches-bin" or "archive /data/cifar-10-binary.tar.gz", for messages.
    virtual std::string where() const = 0;
    virtual uintmax_t size(const std::string& name) = 0;
    virtual std::span<const uint8_t> read(const std::string& name) = 0;
    virtual void release(const std::string& name) = 0;

protected:
    [[noreturn]] void throw_missing(const std::string& name) const {
        throw Error("CIFAR-10 file " + name + " is missing from " + where() +
                    "; it should hold data_batch_1.bin … data_batch_5.bin, test_batch.bin and batches.meta.txt; " +
                    download_hint);
    }
};

// The extracted folder: sizes from the file system, then one read per file into a reused buffer.
class FolderFiles final : public BatchFiles {
public:
    explicit FolderFiles(fs::path folder) : folder_(std::move(folder)) {}

    std::string where() const override { return "folder " + folder_.string(); }

    uintmax_t size(const std::string& name) override {
        std::error_code error;
        const fs::path path = folder_ / name;
        if (!fs::is_regular_file(path, error)) throw_missing(name);
        const uintmax_t bytes = fs::file_size(path, error);
        if (error) throw Error("cannot read the size of " + path.string() + ": " + error.message());
        return bytes;
    }

    std::span<const uint8_t> read(const std::string& name) override {
        const uintmax_t bytes = size(name);
        const fs::path path = folder_ / name;
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
        if (!file) throw Error("cannot open " + path.string() + " for reading; check its permissions");
        if (buffer_.size() < bytes) buffer_.resize(bytes);
        const size_t got = std::fread(buffer_.data(), 1, bytes, file.get());
        if (got != bytes) {
            throw Error("cannot read " + path.string() + ": expected " + with_commas(bytes) + " bytes, got " +
                        with_commas(got));
        }
        return {buffer_.data(), static_cast<size_t>(bytes)};
    }

    void release(const std::string&) override {}

private:
    fs::path folder_;
    std::vector<uint8_t> buffer_;
};

// The .tar.gz (or .tar) archive, streamed once through libarchive; the wanted entries stay in memory
// until released, nothing is written to disk.
class ArchiveFiles final : public BatchFiles {
public:
    explicit ArchiveFiles(fs::path archive) : archive_(std::move(archive)) {
        std::vector<std::string> wanted(train_names.begin(), train_names.end());
        wanted.push_back(test_name);
        wanted.push_back(meta_name);
        read_entries(wanted);
    }

    std::string where() const override { return "archive " + archive_.string(); }

    uintmax_t size(const std::string& name) override { return entry(name).size(); }
    std::span<const uint8_t> read(const std::string& name) override { return entry(name); }
    void release(const std::string& name) override { entries_.erase(name); }

private:
    struct ArchiveFree {
        void operator()(archive* a) const { archive_read_free(a); }
    };

    const std::vector<uint8_t>& entry(const std::string& name) const {
        const auto it = entries_.find(name);
        if (it == entries_.end()) throw_missing(std::string(folder_name) + "/" + name);
        return it->second;
    }

    // Entries match as cifar-10-batches-bin/<name> under any prefix, or as a bare <name>.
    static std::string wanted_name(const std::string& path, const std::vector<std::string>& wanted) {
        for (const std::string& name : wanted) {
            const std::string nested = std::string(folder_name) + "/" + name;
            const bool bare = path == name || path == "./" + name;
            const bool under = path.size() >= nested.size() && path.ends_with(nested) &&
                               (path.size() == nested.size() || path[path.size() - nested.size() - 1] == '/');
            if (bare || under) return name;
        }
        return {};
    }

    [[noreturn]] void throw_archive(archive* a, const std::string& what) const {
        const char* detail = archive_error_string(a);
        throw Error("cannot read " + archive_.string() + " as a .tar.gz archive (" + what +
                    (detail ? ": " + std::string(detail) : std::string()) +
                    "); it may be truncated or not the CIFAR-10 binary archive; " + download_hint);
    }

    void read_entries(const std::vector<std::string>& wanted) {
        std::unique_ptr<archive, ArchiveFree> reader(archive_read_new());
        archive* a = reader.get();
        archive_read_support_filter_all(a);  // .tar.gz, and a .tar a browser already unpacked
        archive_read_support_format_tar(a);
        if (archive_read_open_filename(a, archive_.c_str(), 1 << 20) != ARCHIVE_OK) throw_archive(a, "open");
        archive_entry* header = nullptr;
        while (entries_.size() < wanted.size()) {
            const int status = archive_read_next_header(a, &header);
            if (status == ARCHIVE_EOF) break;
            if (status < ARCHIVE_WARN) throw_archive(a, "entry header");
            const std::string name = wanted_name(archive_entry_pathname(header), wanted);
            if (name.empty() || archive_entry_filetype(header) != AE_IFREG || entries_.contains(name)) continue;
            entries_[name] = read_entry(a, header);
        }
    }

    std::vector<uint8_t> read_entry(archive* a, archive_entry* header) const {
        std::vector<uint8_t> bytes;
        if (archive_entry_size_is_set(header)) bytes.reserve(static_cast<size_t>(archive_entry_size(header)));
        std::array<uint8_t, 1 << 16> chunk;
        while (true) {
            const la_ssize_t got = archive_read_data(a, chunk.data(), chunk.size());
            if (got < 0) throw_archive(a, std::string("entry ") + archive_entry_pathname(header));
            if (got == 0) break;
            bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + got);
        }
        return bytes;
    }

    fs::path archive_;
    std::map<std::string, std::vector<uint8_t>> entries_;
};

int64_t record_count(BatchFiles& files, const std::string& name) {
    const uintmax_t bytes = files.size(name);
    if (bytes == 0 || bytes % record_bytes != 0) {
        throw Error("CIFAR-10 file " + name + " in " + files.where() + " has the wrong size: expected a multiple of " +
                    with_commas(record_bytes) + " bytes (" + with_commas(official_records * record_bytes) +
                    " for the official file), found " + with_commas(bytes) + " bytes; it looks truncated; " +
                    download_hint);
    }
    return static_cast<int64_t>(bytes / record_bytes);
}

// Records (label, R plane, G plane, B plane) -> labels and (N, 32, 32, 3) images, channels last.
void decode_batch(BatchFiles& files, const std::string& name, uint8_t* images, int32_t* labels) {
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
        const uint8_t* red = record + 1;
        const uint8_t* green = red + plane;
        const uint8_t* blue = green + plane;
        uint8_t* out = images + r * pixels;
        for (int64_t p = 0; p < plane; ++p) {
            out[3 * p + 0] = red[p];
            out[3 * p + 1] = green[p];
            out[3 * p + 2] = blue[p];
        }
    }
    files.release(name);
}

// Labels and (N, 32, 32, 3) images of the named batch files, concatenated in order; counts[i] records
// come from names[i].
Dataset load_split(BatchFiles& files, std::span<const std::string> names, std::span<const int64_t> counts,
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

// One name per line in label order; surrounding whitespace (\r included) and trailing blank lines ignored.
std::vector<std::string> read_class_names(BatchFiles& files) {
    const std::span<const uint8_t> bytes = files.read(meta_name);
    const std::string text(bytes.begin(), bytes.end());
    files.release(meta_name);
    std::vector<std::string> names;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(start, end - start);
        const size_t first = line.find_first_not_of(" \t\r\v\f");
        names.push_back(
            first == std::string::npos ? "" : line.substr(first, line.find_last_not_of(" \t\r\v\f") + 1 - first));
        start = end + 1;
    }
    while (!names.empty() && names.back().empty()) names.pop_back();
    for (size_t i = 0; i < names.size(); ++i) {
        if (names[i].empty()) {
            throw Error("CIFAR-10 file batches.meta.txt in " + files.where() + ": line " + std::to_string(i + 1) +
                        " is empty; expected 10 class names, one per line, in label order");
        }
    }
    if (static_cast<int64_t>(names.size()) != num_classes) {
        throw Error("CIFAR-10 file batches.meta.txt in " + files.where() +
                    ": expected 10 class names, one per line, found " + std::to_string(names.size()) + "; " +
                    download_hint);
    }
    return names;
}

}  // namespace

DatasetSplits load_cifar10(const std::filesystem::path& location) {
    std::error_code error;
    std::unique_ptr<BatchFiles> files;
    if (fs::is_directory(location, error)) {
        files = std::make_unique<FolderFiles>(location);
    } else if (fs::is_regular_file(location, error)) {
        files = std::make_unique<ArchiveFiles>(location);
    } else {
        throw Error("CIFAR-10 not found at " + location.string() +
                    ": expected the cifar-10-batches-bin folder or the cifar-10-binary.tar.gz archive");
    }
    // Every file is found and sized before the first record is decoded, so a bad copy fails fast.
    const std::vector<std::string> classes = read_class_names(*files);
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
