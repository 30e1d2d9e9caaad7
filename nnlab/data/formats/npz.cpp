// NumPy's .npz files: a zip of .npy files (np.savez stores them, np.savez_compressed deflates them), read through
// libarchive's zip reader one entry at a time.
#include "nnlab/data/formats/npz.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <system_error>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"

namespace nnlab {
namespace {

struct ArchiveFree {
    void operator()(archive* a) const { archive_read_free(a); }
};

[[noreturn]] void throw_archive(archive* a, const std::string& what, const std::string& doing) {
    const char* message = archive_error_string(a);
    throw Error(what + ": not a readable .npz (zip) file: " + doing + " failed" +
                (message != nullptr ? std::string(": ") + message : std::string()));
}

// One entry, grown only as its bytes arrive and never past what its header's shape needs.
NpyArray read_entry(archive* a, const std::string& what) {
    std::vector<uint8_t> bytes;
    std::optional<NpyLayout> layout;
    std::array<uint8_t, 1 << 16> chunk{};
    while (true) {
        const la_ssize_t got = archive_read_data(a, chunk.data(), chunk.size());
        if (got < 0) throw_archive(a, what, "reading the entry");
        if (got == 0) break;
        bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + got);
        if (!layout) layout = read_npy_layout(bytes, what);
        if (layout && bytes.size() > layout->file_bytes) {
            throw Error(what + ": holds more bytes than its shape " + npy_shape_text(layout->shape) + " of " +
                        std::to_string(layout->item_bytes) + "-byte elements needs (" +
                        with_thousands(static_cast<int64_t>(layout->file_bytes)) + ")");
        }
    }
    return parse_npy(bytes, what);
}

std::map<std::string, NpyArray> read_npz(archive* a, const std::string& what, const std::vector<std::string>& wanted) {
    std::map<std::string, NpyArray> arrays;
    archive_entry* entry = nullptr;
    while (true) {
        const int status = archive_read_next_header(a, &entry);
        if (status == ARCHIVE_EOF) break;
        if (status < ARCHIVE_WARN) throw_archive(a, what, "reading an entry's header");
        const char* raw_name = archive_entry_pathname(entry);
        std::string name = raw_name != nullptr ? raw_name : "";
        if (name.size() > 4 && name.ends_with(".npy")) name.resize(name.size() - 4);
        const bool keep = wanted.empty() || std::find(wanted.begin(), wanted.end(), name) != wanted.end();
        if (!keep || archive_entry_filetype(entry) != AE_IFREG) {
            archive_read_data_skip(a);
            continue;
        }
        if (arrays.contains(name)) throw Error(what + ": holds the array '" + name + "' twice");
        arrays.emplace(name, read_entry(a, what + " (array '" + name + "')"));
    }
    return arrays;
}

std::unique_ptr<archive, ArchiveFree> zip_reader() {
    std::unique_ptr<archive, ArchiveFree> a(archive_read_new());
    if (!a) throw Error("libarchive: cannot allocate a reader", ErrorKind::failure);
    archive_read_support_format_zip(a.get());
    return a;
}

}  // namespace

std::map<std::string, NpyArray> parse_npz(std::span<const uint8_t> bytes, const std::string& what,
                                          const std::vector<std::string>& wanted) {
    auto a = zip_reader();
    if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
        throw_archive(a.get(), what, "opening");
    return read_npz(a.get(), what, wanted);
}

std::map<std::string, NpyArray> read_npz_file(const std::filesystem::path& path,
                                              const std::vector<std::string>& wanted) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) throw Error("cannot read " + path.string() + ": no such file");
    auto a = zip_reader();
    if (archive_read_open_filename(a.get(), path.c_str(), 1 << 20) != ARCHIVE_OK)
        throw_archive(a.get(), path.string(), "opening");
    return read_npz(a.get(), path.string(), wanted);
}

}  // namespace nnlab
