// What the process has used so far (the closing summary of a run, benchmarks) and may still use (the memory check
// before a model is built).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace nnlab {

// The peak resident memory of this process, in MB (getrusage's ru_maxrss).
double peak_rss_mb();

// The memory this process can still take without pushing others into swap: the kernel's MemAvailable, or less where
// a cgroup (a container) limits the process. std::nullopt when neither can be read.
std::optional<uint64_t> available_memory_bytes();

// CPU time spent on the whole machine and in this process up to a moment, to tell how much other programs
// compute beside this one.
struct CpuTimes {
    double machine_busy_seconds = 0.0;  // /proc/stat: user, nice, system, irq, softirq of every CPU (not idle,
                                        // iowait, nor steal: the host's other guests are not ours to yield to)
    double process_seconds = 0.0;       // this process's user + system time
    std::chrono::steady_clock::time_point at;
};
// std::nullopt where /proc/stat cannot be read.
std::optional<CpuTimes> cpu_times();
// /proc/stat's first line ("cpu  user nice system idle iowait irq softirq steal …", in clock ticks) as busy seconds;
// std::nullopt when it is not such a line.
std::optional<double> machine_busy_seconds(const std::string& proc_stat_first_line, double ticks_per_second);
// The cores' worth of CPU that other processes used between two readings: the machine's busy time less this
// process's, per second of wall time; 0 when no time passed.
double cores_used_by_others(const CpuTimes& before, const CpuTimes& after);

}  // namespace nnlab
