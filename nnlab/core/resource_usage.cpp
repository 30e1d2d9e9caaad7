// What the process has used so far, and may still use.
#include "nnlab/core/resource_usage.hpp"

#include <sys/resource.h>
#include <unistd.h>

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

std::optional<double> machine_busy_seconds(const std::string& proc_stat_first_line, double ticks_per_second) {
    std::istringstream fields(proc_stat_first_line);
    std::string name;
    uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
    if (!(fields >> name >> user >> nice >> system >> idle >> iowait >> irq >> softirq) || name != "cpu" ||
        ticks_per_second <= 0.0) {
        return std::nullopt;
    }
    return static_cast<double>(user + nice + system + irq + softirq) / ticks_per_second;
}

std::optional<CpuTimes> cpu_times() {
    CpuTimes times;
    times.at = std::chrono::steady_clock::now();
    std::ifstream in("/proc/stat");
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    const std::optional<double> busy = machine_busy_seconds(line, static_cast<double>(sysconf(_SC_CLK_TCK)));
    if (!busy) return std::nullopt;
    times.machine_busy_seconds = *busy;
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
    };
    times.process_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    return times;
}

double cores_used_by_others(const CpuTimes& before, const CpuTimes& after) {
    const double wall = std::chrono::duration<double>(after.at - before.at).count();
    if (wall <= 0.0) return 0.0;
    const double others =
        (after.machine_busy_seconds - before.machine_busy_seconds) - (after.process_seconds - before.process_seconds);
    return std::max(0.0, others / wall);
}

}  // namespace nnlab
