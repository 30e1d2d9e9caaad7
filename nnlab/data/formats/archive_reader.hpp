// The named files of a dataset, read from its extracted folder or straight from its .tar.gz archive (Keras:
// keras.utils.get_file(..., extract=True), without extracting to disk).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nnlab {

// What a dataset's files are called and what to tell a user whose copy is incomplete.
struct DatasetFilesSpec {
    std::string dataset;             // "CIFAR-10", for messages
    std::string folder_name;         // "cifar-10-batches-bin": archive entries match <folder_name>/<name> or <name>
    std::vector<std::string> names;  // every file the loader will ask for
    std::string hint;                // how to get a good copy, ends every error message
    // The size of the largest official file: anything larger is not the dataset's, and is refused before it is
    // read, whatever size an archive entry's header claims.
    uintmax_t max_file_bytes = 0;  // 0 refuses every file: each dataset must say
};

// The files of one copy. read() returns bytes that stay valid until the next read() or release(); an archive
// is streamed once at open and keeps the wanted entries in memory until released.
class DatasetFiles {
public:
    virtual ~DatasetFiles() = default;
    // The extracted folder; nothing is read until asked.
    static std::unique_ptr<DatasetFiles> open_folder(std::filesystem::path folder, DatasetFilesSpec spec);
    // A .tar.gz (or plain .tar); throws nnlab::Error naming the archive when it is not one or is truncated.
    static std::unique_ptr<DatasetFiles> open_archive(std::filesystem::path archive, DatasetFilesSpec spec);
    // Whichever of the two `location` is; throws nnlab::Error "<dataset> not found at <location>: expected the
    // <folder_name> folder or the <archive_name> archive" when it is neither.
    static std::unique_ptr<DatasetFiles> open(const std::filesystem::path& location, DatasetFilesSpec spec,
                                              const std::string& archive_name);

    // "folder /data/cifar-10-batches-bin" or "archive /data/cifar-10-binary.tar.gz", for messages.
    virtual std::string where() const = 0;
    // Throws nnlab::Error "<dataset> file <name> is missing from <where>; …" when the file is not there, and
    // naming the file when it is larger than spec().max_file_bytes.
    virtual uintmax_t size(const std::string& name) = 0;
    virtual std::span<const uint8_t> read(const std::string& name) = 0;
    virtual void release(const std::string& name) = 0;

    const DatasetFilesSpec& spec() const { return spec_; }

protected:
    explicit DatasetFiles(DatasetFilesSpec spec) : spec_(std::move(spec)) {}
    [[noreturn]] void throw_missing(const std::string& name) const;
    // Throws naming the file unless `bytes` is at most spec().max_file_bytes.
    void check_size(const std::string& name, uintmax_t bytes) const;

private:
    DatasetFilesSpec spec_;
};

// A names file (batches.meta.txt, fine_label_names.txt): one name per line in label order, surrounding whitespace
// (\r included) and trailing blank lines ignored. Throws nnlab::Error naming the file when a line is empty or the
// count is not `expected`.
std::vector<std::string> read_names_file(DatasetFiles& files, const std::string& name, size_t expected);

}  // namespace nnlab
