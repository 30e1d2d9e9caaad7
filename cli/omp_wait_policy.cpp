// apply_omp_wait_policy — how OpenMP's idle threads wait, chosen for a machine that may be doing other work.
#include <unistd.h>

#include <cstdlib>

#include "cli/commands.hpp"

namespace nnlab::cli {

void apply_omp_wait_policy(char** argv) {
    // The user's own setting wins; and once set here, the started copy carries on.
    if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr) return;
    // libgomp's default spins 300,000 times before a waiting thread sleeps: beside one other busy process that
    // made nnlab 2.4× slower, and 10× on a loaded machine, for no gain alone (docs/measurements.md, "A busy
    // machine"). libgomp reads the setting once, as it loads, so the command starts itself again with it.
    setenv("OMP_WAIT_POLICY", omp_wait_policy_default, 1);
    execv("/proc/self/exe", argv);
    // Exec failed (no /proc): carry on with libgomp's default rather than fail.
}

}  // namespace nnlab::cli
