// The named files of a dataset, read from its extracted folder or straight from its .tar.gz archive.
#include "nnlab/data/formats/archive_reader.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <system_error>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

// The extracted folder: sizes from the file system, then one read per file into a reused buffer.
class FolderFiles final : public DatasetFiles {
public:
    FolderFiles(fs::path folder, DatasetFilesSpec spec) : DatasetFiles(std::move(spec)), folder_(std::move(folder)) {}

    std::string where() const override { return "folder " + folder_.string(); }

    uintmax_t size(const std::string& name) override {
        std::error_code error;
        const fs::path path = folder_ / name;
        if (!fs::is_regular_file(path, error)) throw_missing(name);
        const uintmax_t bytes = fs::file_size(path, error);
        if (error) throw Error("cannot read the size of " + path.string() + ": " + error.message());
        check_size(name, bytes);
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
            throw Error("cannot read " + path.string() + ": expected " + with_thousands(static_cast<int64_t>(bytes)) +
                        " bytes, found " + with_thousands(static_cast<int64_t>(got)));
        }
        return {buffer_.data(), static_cast<size_t>(bytes)};
    }

    void release(const std::string&) override {}

private:
    fs::path folder_;
    std::vector<uint8_t> buffer_;
};

// The .tar.gz (or .tar) archive, streamed once through libarchive; nothing is written to disk.
class ArchiveFiles final : public DatasetFiles {
public:
    ArchiveFiles(fs::path archive, DatasetFilesSpec spec)
        : DatasetFiles(std::move(spec)), archive_(std::move(archive)) {
        read_entries();
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
        if (it == entries_.end()) throw_missing(spec().folder_name + "/" + name);
        return it->second;
    }

    // Entries match as <folder_name>/<name> under any prefix, or as a bare <name>.
    std::string wanted_name(const std::string& path) const {
        for (const std::string& name : spec().names) {
            const std::string nested = spec().folder_name + "/" + name;
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
                    (detail ? ": " + std::string(detail) : std::string()) + "); it may be truncated or not the " +
                    spec().dataset + " binary archive; " + spec().hint);
    }

    void read_entries() {
        std::unique_ptr<archive, ArchiveFree> reader(archive_read_new());
        archive* a = reader.get();
        // .tar.gz, and a .tar a browser already unpacked; no other filter, since libarchive would run an outside
        // program for some of them (lrzip, grzip) on whatever bytes the file starts with.
        archive_read_support_filter_gzip(a);
        archive_read_support_format_tar(a);
        if (archive_read_open_filename(a, archive_.c_str(), 1 << 20) != ARCHIVE_OK) throw_archive(a, "open");
        archive_entry* header = nullptr;
        while (entries_.size() < spec().names.size()) {
            const int status = archive_read_next_header(a, &header);
            if (status == ARCHIVE_EOF) break;
            if (status < ARCHIVE_WARN) throw_archive(a, "entry header");
            const std::string name = wanted_name(entry_path(header));
            if (name.empty() || archive_entry_filetype(header) != AE_IFREG || entries_.contains(name)) continue;
            entries_[name] = read_entry(a, header, name);
        }
    }

    // libarchive gives no path for an entry whose name it cannot convert; such an entry is no file we want.
    static std::string entry_path(archive_entry* header) {
        const char* path = archive_entry_pathname(header);
        return path == nullptr ? std::string() : std::string(path);
    }

    // Read in chunks, checked against the size bound as they come: the size an entry's header claims is not trusted
    // for an allocation.
    std::vector<uint8_t> read_entry(archive* a, archive_entry* header, const std::string& name) const {
        const std::string path = entry_path(header);
        if (archive_entry_size_is_set(header)) {
            const la_int64_t claimed = archive_entry_size(header);
            if (claimed < 0) throw_archive(a, "entry " + path + " claims a negative size");
            check_size(name, static_cast<uintmax_t>(claimed));
        }
        std::vector<uint8_t> bytes;
        std::array<uint8_t, 1 << 16> chunk;
        while (true) {
            const la_ssize_t got = archive_read_data(a, chunk.data(), chunk.size());
            if (got < 0) throw_archive(a, "entry " + path);
            if (got == 0) break;
            check_size(name, bytes.size() + static_cast<size_t>(got));
            bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + got);
        }
        return bytes;
    }

    fs::path archive_;
    std::map<std::string, std::vector<uint8_t>> entries_;
};

std::string trimmed(const std::string& line) {
    const size_t first = line.find_first_not_of(" \t\r\v\f");
    return first == std::string::npos ? "" : line.substr(first, line.find_last_not_of(" \t\r\v\f") + 1 - first);
}

}  // namespace

std::unique_ptr<DatasetFiles> DatasetFiles::open_folder(fs::path folder, DatasetFilesSpec spec) {
    return std::make_unique<FolderFiles>(std::move(folder), std::move(spec));
}

std::unique_ptr<DatasetFiles> DatasetFiles::open_archive(fs::path archive, DatasetFilesSpec spec) {
    return std::make_unique<ArchiveFiles>(std::move(archive), std::move(spec));
}

std::unique_ptr<DatasetFiles> DatasetFiles::open(const fs::path& location, DatasetFilesSpec spec,
                                                 const std::string& archive_name) {
    std::error_code error;
    if (fs::is_directory(location, error)) return open_folder(location, std::move(spec));
    if (fs::is_regular_file(location, error)) return open_archive(location, std::move(spec));
    throw Error(spec.dataset + " not found at " + location.string() + ": expected the " + spec.folder_name +
                " folder or the " + archive_name + " archive");
}

void DatasetFiles::check_size(const std::string& name, uintmax_t bytes) const {
    if (bytes <= spec_.max_file_bytes) return;
    throw Error(spec_.dataset + " file " + name + " in " + where() + " is " +
                with_thousands(static_cast<int64_t>(std::min<uintmax_t>(bytes, INT64_MAX))) + " bytes, more than the " +
                with_thousands(static_cast<int64_t>(spec_.max_file_bytes)) + " of the largest file of the official " +
                spec_.dataset + "; it is damaged or not from the " + spec_.dataset + " binary archive; " + spec_.hint);
}

void DatasetFiles::throw_missing(const std::string& name) const {
    std::string all;
    for (size_t i = 0; i < spec_.names.size(); ++i) {
        all += (i == 0 ? "" : i + 1 == spec_.names.size() ? " and " : ", ") + spec_.names[i];
    }
    throw Error(spec_.dataset + " file " + name + " is missing from " + where() + "; it should hold " + all + "; " +
                spec_.hint);
}

std::vector<std::string> read_names_file(DatasetFiles& files, const std::string& name, size_t expected) {
    const std::span<const uint8_t> bytes = files.read(name);
    const std::string text(bytes.begin(), bytes.end());
    files.release(name);
    std::vector<std::string> names;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        names.push_back(trimmed(text.substr(start, end - start)));
        start = end + 1;
    }
    while (!names.empty() && names.back().empty()) names.pop_back();
    const std::string prefix = files.spec().dataset + " file " + name + " in " + files.where() + ": ";
    for (size_t i = 0; i < names.size(); ++i) {
        if (names[i].empty()) {
            throw Error(prefix + "line " + std::to_string(i + 1) + " is empty; expected " + std::to_string(expected) +
                        " class names, one per line, in label order");
        }
    }
    if (names.size() != expected) {
        throw Error(prefix + "expected " + std::to_string(expected) + " class names, one per line, found " +
                    std::to_string(names.size()) + "; " + files.spec().hint);
    }
    return names;
}

}  // namespace nnlab
