// Atomic write — a file is replaced whole or not at all (temp file in the same folder + fsync + rename).
#include "nnlab/core/atomic_write.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
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
    write_file_atomically(path, bytes, {});
}

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes,
                           const std::filesystem::path& previous) {
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
    if (step.empty() && !previous.empty() && ::rename(path.c_str(), previous.c_str()) != 0 && errno != ENOENT) {
        error = errno;
        step = "renaming it to " + previous.string();
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

int remove_stale_temporary_files(const std::filesystem::path& folder) {
    std::error_code error;
    int removed = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
        const std::string name = entry.path().filename().string();
        const size_t mark = name.rfind(".tmp-");
        if (mark == std::string::npos || !entry.is_regular_file(error)) continue;
        // "<pid>-<n>": both whole numbers, else the file is not one of ours.
        const std::string tail = name.substr(mark + 5);
        const size_t dash = tail.find('-');
        const auto digits = [](std::string_view text) {
            return !text.empty() && text.size() <= 18 &&
                   std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
        };
        if (dash == std::string::npos || !digits(std::string_view(tail).substr(0, dash)) ||
            !digits(std::string_view(tail).substr(dash + 1)))
            continue;
        const long long pid = std::stoll(tail.substr(0, dash));
        // kill(pid, 0) succeeds (or fails with EPERM) while that process lives: it may still be writing.
        const bool alive = pid == ::getpid() ||
                           (pid > 0 && pid <= INT32_MAX && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM));
        if (!alive && std::filesystem::remove(entry.path(), error)) ++removed;
    }
    return removed;
}

}  // namespace nnlab
