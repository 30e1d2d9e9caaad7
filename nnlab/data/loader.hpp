// Loader — turns a Dataset into float batches: seeded shuffle each epoch, augmentation per image,
// scaling and one-hot labels, built in the training thread over the OpenMP team or, with workers, ahead in
// background threads (Keras: the iterator that ImageDataGenerator.flow() returns, with fit()'s workers).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "nnlab/core/rng.hpp"
#include "nnlab/data/augment/augment.hpp"
#include "nnlab/data/dataset.hpp"
#include "nnlab/dist/batch_shard.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

struct LoaderOptions {
    int64_t batch_size = 32;
    bool shuffle = true;
    uint64_t seed = 0;                     // shuffling and augmentation draw from streams derived from it
    const Augmenter* augmenter = nullptr;  // not owned; null: plain pixel / 255
    bool random_transforms = true;         // false: the augmenter only standardises (validation data)
    int workers = 0;                       // threads building batches ahead; 0 builds them in next()
    int prefetch = 2;                      // batches built ahead of the one in use
    // Data parallelism: this loader builds rank shard_rank's share (shard_of) of every global batch of batch_size,
    // of shard_count ranks. Steps, shuffles and each image's augmentation stream are the global batch's, so the
    // images a step trains on do not depend on the number of ranks.
    int shard_rank = 0;
    int shard_count = 1;
};

// One batch: x (rows, H, W, C) — or (rows, …) of float features, copied as they are — and one-hot y (rows, classes),
// or y (rows, 1) holding the 0/1 label for a model with one output (a binary classifier); views valid until the next
// next(). With sharding, the rows are `shard`'s part of the global batch (possibly none).
struct Batch {
    Tensor x;
    Tensor y;
    BatchShard shard;
};

class Loader {
public:
    // num_classes sizes y (the model's outputs); labels must be below it (0 or 1 when it is 1). Throws nnlab::Error
    // for an augmenter on float features.
    Loader(const Dataset& data, int64_t num_classes, LoaderOptions options);
    ~Loader();
    Loader(const Loader&) = delete;
    Loader& operator=(const Loader&) = delete;

    int64_t steps_per_epoch() const { return steps_; }
    // Starts an epoch: its permutation when shuffling; workers start building its batches from `first_step` (a
    // resumed epoch skips the batches already trained on). Epoch e's order is the e + 1-th shuffle of the data,
    // so starting at a later epoch (Keras's initial_epoch, a resumed fit) replays the shuffles before it and sees
    // the batches the uninterrupted run saw. Epochs go forward: an earlier one than the last is an error.
    void start_epoch(int epoch, int64_t first_step = 0);
    // The next batch of the epoch, or nullptr after the last. The same seed gives the same batches
    // whatever the number of workers: every image draws from its own stream (seed, epoch, position).
    const Batch* next();

private:
    struct Slot {
        Batch batch;
        Tensor x_storage, y_storage;
        int64_t index = -1;  // the batch this slot holds or is building
        bool ready = false;
        std::exception_ptr error;  // what building it threw, rethrown by next()
    };
    void build(int64_t batch_index, Slot& slot) const;
    void worker_loop();
    void stop_workers();

    const Dataset& data_;
    int64_t num_classes_;
    LoaderOptions options_;
    int64_t steps_;
    int epoch_ = -1;
    int shuffled_epochs_ = 0;  // shuffles of order_ so far
    Rng shuffle_rng_;
    std::vector<int64_t> order_;
    std::vector<Slot> slots_;
    int64_t next_to_build_ = 0;  // guarded by mutex_
    int64_t next_to_return_ = 0;
    bool stopping_ = false;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::thread> workers_;
};

}  // namespace nnlab
