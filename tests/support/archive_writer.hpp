// .tar.gz archives written for a test, laid out as the official dataset archives are, and zip files (.npz).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace nnlab::testing {

// One entry of an archive; a path ending in '/' is a folder entry (its contents are ignored).
struct ArchiveEntry {
    std::string path;
    std::string contents;
};

// Writes the entries, in order, as a gzip'd pax tar at `path` (creating its parent folders); throws when
// libarchive fails.
std::filesystem::path write_tar_gz(const std::filesystem::path& path, const std::vector<ArchiveEntry>& entries);

// The entries as a zip file (an .npz is one), stored or deflated.
std::filesystem::path write_zip(const std::filesystem::path& path, const std::vector<ArchiveEntry>& entries,
                                bool deflate);

// Every name -> bytes of `files` as <folder>/<name>, without a folder entry: how cifar-100-binary.tar.gz looks.
std::filesystem::path write_tar_gz(const std::filesystem::path& path, const std::string& folder,
                                   const std::map<std::string, std::string>& files);

}  // namespace nnlab::testing
