// Atomic write — a file is replaced whole or not at all (temp file in the same folder + fsync + rename).
#include "nnlab/core/atomic_write.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <string>
#include <system_error>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& step, int error) {
    // generic_category().message is strerror's text without strerror's shared buffer.
    throw Error("cannot write " + path.string() + ": " + step + ": " + std::generic_category().message(error),
                ErrorKind::failure);
}

// pid + a per-process counter keeps names apart between processes and between threads; O_EXCL
// refuses a name a crashed run left behind, and then the next number is tried.
int create_temp_file(const std::filesystem::path& path, std::filesystem::path& temp) {
    static std::atomic<uint64_t> counter{0};
    for (int attempt = 0;; ++attempt) {
        temp = path;
        temp += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
        const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) return fd;
        if (errno != EEXIST || attempt == 100) fail(path, "cannot create temporary file " + temp.string(), errno);
    }
}

// Returns 0 or the errno of the first failure.
int write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return 0;
}

// Makes the rename itself durable; some file systems cannot sync a directory, and the data is
// already safe by then, so a failure here is not reported.
void sync_directory(const std::filesystem::path& path) {
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
    std::filesystem::path temp;
    const int fd = create_temp_file(path, temp);
    std::string step;  // what failed; empty while everything succeeds
    int error = write_all(fd, bytes);
    if (error != 0) step = "writing " + temp.string();
    // fsync before rename: otherwise a crash can leave the new name pointing at an empty file.
    if (step.empty() && ::fsync(fd) != 0) {
        error = errno;
        step = "flushing " + temp.string() + " to disk";
    }
    if (::close(fd) != 0 && step.empty()) {
        error = errno;
        step = "closing " + temp.string();
    }
    if (step.empty() && ::rename(temp.c_str(), path.c_str()) != 0) {
        error = errno;
        step = "renaming " + temp.string() + " over it";
    }
    if (!step.empty()) {
        ::unlink(temp.c_str());
        fail(path, step, error);
    }
    sync_directory(path);
}

}  // namespace nnlab
