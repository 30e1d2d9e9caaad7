// Atomic write — a file is replaced whole or not at all (temp file in the same folder + fsync + rename).
#pragma once

#include <filesystem>
#include <string_view>

namespace nnlab {

// Writes `bytes` to a new temporary file next to `path` ("<path>.tmp-<pid>-<n>"), flushes it to disk
// and renames it over `path`, so a reader or a crash sees the old file or the new one, never half of
// one. Creates no directories (the caller does). On any failure the temporary file is removed and
// nnlab::Error (ErrorKind::failure) is thrown naming `path` and the system's reason.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// The same, keeping the file it replaces: once the new file is complete on disk, the old one (if any) is renamed
// to `previous` and the new one to `path`. A crash leaves `path` whole, or `previous` whole.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes,
                           const std::filesystem::path& previous);

// Removes the temporary files (<name>.tmp-<pid>-<n>) that a killed process left in `folder` (not below it); those
// of a process still running are left alone. Returns how many were removed; errors are ignored.
int remove_stale_temporary_files(const std::filesystem::path& folder);

}  // namespace nnlab
