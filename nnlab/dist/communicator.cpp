// Communicator — MPI_COMM_WORLD's collectives, as training uses them.
#include "nnlab/dist/communicator.hpp"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

// MPI counts are ints: a longer message goes in pieces.
constexpr int64_t max_count = INT_MAX;

template <typename Call>
void in_pieces(int64_t count, Call call) {
    for (int64_t begin = 0; begin < count; begin += max_count)
        call(begin, static_cast<int>(std::min(max_count, count - begin)));
}

}  // namespace

struct Communicator::Pending {
    std::vector<MPI_Request> requests;
};

Communicator::Communicator() : pending_(std::make_unique<Pending>()) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    MPI_Get_processor_name(name, &length);
    host_.assign(name, static_cast<size_t>(length));
    std::vector<char> all(static_cast<size_t>(size_) * MPI_MAX_PROCESSOR_NAME);
    MPI_Allgather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR, MPI_COMM_WORLD);
    for (int r = 0; r < size_; ++r) {
        const char* host = all.data() + static_cast<size_t>(r) * MPI_MAX_PROCESSOR_NAME;
        hosts_.emplace_back(host, strnlen(host, MPI_MAX_PROCESSOR_NAME));
    }
}

Communicator::~Communicator() = default;

void Communicator::sum(std::span<double> values) {
    in_pieces(static_cast<int64_t>(values.size()), [&](int64_t begin, int count) {
        MPI_Allreduce(MPI_IN_PLACE, values.data() + begin, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    });
}

void Communicator::sum(std::span<int64_t> values) {
    in_pieces(static_cast<int64_t>(values.size()), [&](int64_t begin, int count) {
        MPI_Allreduce(MPI_IN_PLACE, values.data() + begin, count, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
    });
}

void Communicator::broadcast(std::span<float> values, int root) {
    in_pieces(static_cast<int64_t>(values.size()), [&](int64_t begin, int count) {
        MPI_Bcast(values.data() + begin, count, MPI_FLOAT, root, MPI_COMM_WORLD);
    });
}

void Communicator::broadcast(std::string& bytes, int root) {
    int64_t length = static_cast<int64_t>(bytes.size());
    MPI_Bcast(&length, 1, MPI_INT64_T, root, MPI_COMM_WORLD);
    bytes.resize(static_cast<size_t>(length));
    in_pieces(length, [&](int64_t begin, int count) {
        MPI_Bcast(bytes.data() + begin, count, MPI_CHAR, root, MPI_COMM_WORLD);
    });
}

void Communicator::barrier() {
    MPI_Barrier(MPI_COMM_WORLD);
}

void Communicator::start_sum(std::span<float> values) {
    in_pieces(static_cast<int64_t>(values.size()), [&](int64_t begin, int count) {
        MPI_Request request;
        MPI_Iallreduce(MPI_IN_PLACE, values.data() + begin, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &request);
        pending_->requests.push_back(request);
    });
}

void Communicator::progress() {
    if (pending_->requests.empty()) return;
    int done = 0;
    MPI_Testall(static_cast<int>(pending_->requests.size()), pending_->requests.data(), &done, MPI_STATUSES_IGNORE);
    if (done) pending_->requests.clear();
}

void Communicator::wait_all() {
    MPI_Waitall(static_cast<int>(pending_->requests.size()), pending_->requests.data(), MPI_STATUSES_IGNORE);
    pending_->requests.clear();
}

void Communicator::abort(int exit_code) const {
    MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::abort();  // MPI_Abort does not return; this only tells the compiler so
}

}  // namespace nnlab
