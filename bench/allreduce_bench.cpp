// nnlab_allreduce_bench — the gradient sum alone: median time of Communicator::start_sum + wait_all over message
// sizes from 4 B to 64 MB, run under mpirun; rank 0 prints one line per size with the bus bandwidth (NCCL's
// convention: 2(N − 1)/N · bytes / time, what a ring all-reduce moves per rank). The latency and bandwidth these
// give are the α and β of the cost model in docs/data_parallel.md.
//
//   mpirun -np 2 build/bench/nnlab_allreduce_bench [repetitions]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "nnlab/dist/mpi_session.hpp"

int main(int argc, char** argv) {
    const int repetitions = argc > 1 ? std::max(3, std::atoi(argv[1])) : 21;
    nnlab::MpiSession mpi;
    nnlab::Communicator& ranks = mpi.world();
    const double ring = 2.0 * (ranks.size() - 1) / ranks.size();
    if (ranks.rank() == 0)
        std::printf("%d ranks on %s; %d repetitions, median\n%12s %12s %14s\n", ranks.size(), ranks.host().c_str(),
                    repetitions, "bytes", "time (us)", "bus (GB/s)");
    for (int64_t floats = 1; floats <= (int64_t{16} << 20); floats *= 4) {
        std::vector<float> values(static_cast<size_t>(floats), 1.0f);
        std::vector<double> seconds;
        for (int r = 0; r < repetitions + 2; ++r) {
            ranks.barrier();
            const auto start = std::chrono::steady_clock::now();
            ranks.start_sum(std::span<float>(values));
            ranks.wait_all();
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (r >= 2) seconds.push_back(elapsed);  // the first two warm the buffers and the connections
        }
        std::vector<double> all(static_cast<size_t>(ranks.size()) * seconds.size(), 0.0);
        // The slowest rank's time for each repetition is the collective's.
        for (size_t i = 0; i < seconds.size(); ++i)
            all[static_cast<size_t>(ranks.rank()) * seconds.size() + i] = seconds[i];
        ranks.sum(all);
        std::vector<double> slowest(seconds.size(), 0.0);
        for (int r = 0; r < ranks.size(); ++r)
            for (size_t i = 0; i < seconds.size(); ++i)
                slowest[i] = std::max(slowest[i], all[static_cast<size_t>(r) * seconds.size() + i]);
        std::nth_element(slowest.begin(), slowest.begin() + static_cast<long>(slowest.size() / 2), slowest.end());
        const double median = slowest[slowest.size() / 2];
        const double bytes = 4.0 * static_cast<double>(floats);
        if (ranks.rank() == 0) std::printf("%12.0f %12.1f %14.2f\n", bytes, median * 1e6, ring * bytes / median / 1e9);
    }
    return 0;
}
