// What the process has used so far, for the closing summary of a run and for benchmarks.
#pragma once

namespace nnlab {

// The peak resident memory of this process, in MB (getrusage's ru_maxrss).
double peak_rss_mb();

}  // namespace nnlab
