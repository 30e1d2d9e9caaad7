// What the process has used so far, and may still use.
#include "nnlab/core/resource_usage.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace nnlab {
namespace {

// "MemAvailable:   12345678 kB" in /proc/meminfo.
std::optional<uint64_t> meminfo_available() {
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line)) {
        if (!line.starts_with("MemAvailable:")) continue;
        std::istringstream fields(line.substr(13));
        uint64_t kib = 0;
        if (fields >> kib) return kib * 1024;
    }
    return std::nullopt;
}

// A number from a cgroup v2 file; "max" and anything unreadable is none.
std::optional<uint64_t> cgroup_value(const char* file) {
    std::ifstream in(std::string("/sys/fs/cgroup/") + file);
    uint64_t value = 0;
    if (in >> value) return value;
    return std::nullopt;
}

}  // namespace

double peak_rss_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

std::optional<uint64_t> available_memory_bytes() {
    std::optional<uint64_t> available = meminfo_available();
    const auto limit = cgroup_value("memory.max"), used = cgroup_value("memory.current");
    if (limit && used) {
        const uint64_t left = *limit > *used ? *limit - *used : 0;
        available = available ? std::min(*available, left) : left;
    }
    return available;
}

}  // namespace nnlab
