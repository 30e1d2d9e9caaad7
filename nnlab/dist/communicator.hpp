// Communicator — the processes of a data-parallel job (MPI_COMM_WORLD) and the collectives training needs.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace nnlab {

// One per process, made by MpiSession. Every collective must be called by every rank in the same order (MPI's
// rule). Sums give every rank the same bits, and the same bits run after run for a given number of ranks (MPI's
// reduction order is fixed for a given size and message length, and addition commutes exactly). Errors end the
// whole job (MPI_ERRORS_ARE_FATAL): a rank that dies takes the others with it rather than leaving them waiting.
class Communicator {
public:
    Communicator();  // MPI must be initialised (MpiSession)
    ~Communicator();
    Communicator(const Communicator&) = delete;
    Communicator& operator=(const Communicator&) = delete;

    int rank() const { return rank_; }
    int size() const { return size_; }
    // This process's host (MPI_Get_processor_name).
    const std::string& host() const { return host_; }
    // Every rank's host, in rank order (gathered once, at construction).
    const std::vector<std::string>& hosts() const { return hosts_; }

    // Element-wise sums over the ranks, in place.
    void sum(std::span<double> values);
    void sum(std::span<int64_t> values);
    // Copies root's values to every rank.
    void broadcast(std::span<float> values, int root);
    void broadcast(std::string& bytes, int root);
    void barrier();

    // Non-blocking float sums (the gradient buckets): start_sum returns at once; progress() lets MPI move the
    // pending ones on (call it between pieces of work); wait_all() returns once every one has finished.
    void start_sum(std::span<float> values);
    void progress();
    void wait_all();

    // Ends every process of the job with this exit code (MPI_Abort).
    [[noreturn]] void abort(int exit_code) const;

private:
    struct Pending;
    int rank_ = 0;
    int size_ = 1;
    std::string host_;
    std::vector<std::string> hosts_;
    std::unique_ptr<Pending> pending_;
};

}  // namespace nnlab
