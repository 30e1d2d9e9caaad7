// MpiSession — starts and ends MPI around a data-parallel program.
#include "nnlab/dist/mpi_session.hpp"

#include <mpi.h>

#include <cstdlib>

#include "nnlab/core/error.hpp"

namespace nnlab {

bool started_by_mpi_launcher() {
    // Open MPI's mpirun; PMIx launchers (Open MPI 5, Slurm); MPICH's Hydra and Slurm's PMI-1/2.
    for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"})
        if (std::getenv(variable) != nullptr) return true;
    return false;
}

MpiSession::MpiSession() {
    int provided = 0;
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        throw Error("MPI could not start (MPI_Init_thread failed)", ErrorKind::failure);
    if (provided < MPI_THREAD_FUNNELED) {
        MPI_Finalize();
        throw Error("MPI offers no thread support (MPI_THREAD_FUNNELED); nnlab's threads need it", ErrorKind::failure);
    }
    world_ = std::make_unique<Communicator>();
}

MpiSession::~MpiSession() {
    world_.reset();
    MPI_Finalize();
}

}  // namespace nnlab
