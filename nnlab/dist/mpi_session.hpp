// MpiSession — MPI for the life of a data-parallel program (MPI_Init_thread … MPI_Finalize).
#pragma once

#include <memory>

#include "nnlab/dist/communicator.hpp"

namespace nnlab {

// Whether a launcher (mpirun, mpiexec, srun) started this process as one rank of a job: then nnlab trains as that
// rank. A program started on its own never initialises MPI, so it pays nothing for it.
bool started_by_mpi_launcher();

// Keep one alive while any Communicator is used; only the thread that made it may call MPI (MPI_THREAD_FUNNELED:
// the loader's workers and the state writer never do).
class MpiSession {
public:
    // Throws nnlab::Error when MPI cannot start.
    MpiSession();
    ~MpiSession();
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;

    Communicator& world() { return *world_; }

private:
    std::unique_ptr<Communicator> world_;
};

}  // namespace nnlab
