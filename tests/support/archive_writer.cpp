// .tar.gz archives written for a test, laid out as the official dataset archives are.
#include "tests/support/archive_writer.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <stdexcept>

namespace nnlab::testing {

namespace {

enum class Layout { tar_gz, zip_stored, zip_deflated };

std::filesystem::path write_archive(const std::filesystem::path& path, const std::vector<ArchiveEntry>& entries,
                                    Layout layout) {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    std::unique_ptr<archive, int (*)(archive*)> writer(archive_write_new(), &archive_write_free);
    archive* a = writer.get();
    if (layout == Layout::tar_gz) {
        archive_write_add_filter_gzip(a);
        archive_write_set_format_pax_restricted(a);
    } else {
        archive_write_set_format_zip(a);
        archive_write_set_format_option(a, "zip", "compression", layout == Layout::zip_stored ? "store" : "deflate");
    }
    if (archive_write_open_filename(a, path.c_str()) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a));
    for (const ArchiveEntry& item : entries) {
        const bool directory = !item.path.empty() && item.path.back() == '/';
        const std::string name = directory ? item.path.substr(0, item.path.size() - 1) : item.path;
        const std::string contents = directory ? std::string() : item.contents;
        std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(), &archive_entry_free);
        archive_entry_set_pathname(entry.get(), name.c_str());
        archive_entry_set_filetype(entry.get(), directory ? AE_IFDIR : AE_IFREG);
        archive_entry_set_perm(entry.get(), directory ? 0755 : 0644);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(contents.size()));
        if (archive_write_header(a, entry.get()) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a));
        if (!contents.empty() &&
            archive_write_data(a, contents.data(), contents.size()) != static_cast<la_ssize_t>(contents.size())) {
            throw std::runtime_error(archive_error_string(a));
        }
    }
    if (archive_write_close(a) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a));
    return path;
}

}  // namespace

std::filesystem::path write_tar_gz(const std::filesystem::path& path, const std::vector<ArchiveEntry>& entries) {
    return write_archive(path, entries, Layout::tar_gz);
}

std::filesystem::path write_zip(const std::filesystem::path& path, const std::vector<ArchiveEntry>& entries,
                                bool deflate) {
    return write_archive(path, entries, deflate ? Layout::zip_deflated : Layout::zip_stored);
}

std::filesystem::path write_tar_gz(const std::filesystem::path& path, const std::string& folder,
                                   const std::map<std::string, std::string>& files) {
    std::vector<ArchiveEntry> entries;
    for (const auto& [name, contents] : files) entries.push_back({folder + "/" + name, contents});
    return write_tar_gz(path, entries);
}

}  // namespace nnlab::testing
