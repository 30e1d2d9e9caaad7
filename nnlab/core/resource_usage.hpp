// What the process has used so far (the closing summary of a run, benchmarks) and may still use (the memory check
// before a model is built).
#pragma once

#include <cstdint>
#include <optional>

namespace nnlab {

// The peak resident memory of this process, in MB (getrusage's ru_maxrss).
double peak_rss_mb();

// The memory this process can still take without pushing others into swap: the kernel's MemAvailable, or less where
// a cgroup (a container) limits the process. std::nullopt when neither can be read.
std::optional<uint64_t> available_memory_bytes();

}  // namespace nnlab
