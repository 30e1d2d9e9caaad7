// What the process has used so far.
#include "nnlab/core/resource_usage.hpp"

#include <sys/resource.h>

namespace nnlab {

double peak_rss_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

}  // namespace nnlab
