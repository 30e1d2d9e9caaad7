// How many threads nnlab's kernels use: OpenMP's team, which oneDNN shares.
#include "nnlab/core/threads.hpp"

#include <omp.h>
#include <sched.h>

#include <algorithm>
#include <string>

#include "nnlab/core/error.hpp"

namespace nnlab {

int available_cores() {
    cpu_set_t cores;
    if (sched_getaffinity(0, sizeof cores, &cores) == 0) return std::max(1, CPU_COUNT(&cores));
    return std::max(1, omp_get_num_procs());
}

int thread_count() {
    return omp_get_max_threads();
}

void set_thread_count(int threads) {
    if (threads < 1 || threads > max_threads) {
        throw Error("threads: expected a number of threads from 1 to " + std::to_string(max_threads) + ", found " +
                    std::to_string(threads));
    }
    omp_set_num_threads(threads);
}

}  // namespace nnlab
