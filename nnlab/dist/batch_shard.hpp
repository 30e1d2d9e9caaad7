// BatchShard — the part of a global batch one rank of a data-parallel job trains on.
#pragma once

#include <cstdint>

namespace nnlab {

class Communicator;

// Rows [offset, offset + rows) of a global batch of global_rows (Keras tf.distribute: batch_size is the global
// batch, split across the replicas). Layers that draw per element (Dropout) draw for the whole global batch and keep
// their rows, so the masks do not depend on the number of ranks; synchronised batch normalization sums its
// statistics over `communicator`.
struct BatchShard {
    int64_t offset = 0;
    int64_t rows = 0;
    int64_t global_rows = 0;
    Communicator* communicator = nullptr;  // null: one process holds the whole batch
};

// The share of rank `rank` of `ranks` in a batch of `global_rows`: the first global_rows % ranks ranks take one row
// more, so the shares differ by at most one and cover the batch in rank order.
inline BatchShard shard_of(int64_t global_rows, int rank, int ranks) {
    const int64_t base = global_rows / ranks, extra = global_rows % ranks;
    return {.offset = rank * base + (rank < extra ? rank : extra),
            .rows = base + (rank < extra ? 1 : 0),
            .global_rows = global_rows};
}

}  // namespace nnlab
