// GradientReducer — sums a data-parallel step's gradients over the ranks in buckets, each started as soon as the
// backward pass has written it, so that communication overlaps the rest of backward (PyTorch DDP's buckets).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "nnlab/dist/communicator.hpp"

namespace nnlab {

// A layer's trainable gradients: floats [begin, end) of the gradient arena (empty when it has none).
struct GradientRange {
    int64_t begin = 0;
    int64_t end = 0;
};

class GradientReducer {
public:
    // DDP's first bucket is 1 MiB and the rest 25 MiB; here every bucket is ≥ 1 MiB, so that the last layers'
    // gradients leave early and a large first layer (the seed MLP's 6 MB) goes on its own.
    static constexpr int64_t default_bucket_floats = (1 << 20) / 4;

    // `layers`: each layer's range, in layer order; backward writes them from the last layer to the first. Layers
    // are grouped into buckets from the last one on, each bucket one contiguous stretch of the arena of at least
    // `bucket_floats` (the last may be smaller). Throws nnlab::Error when the layers' ranges are not laid out one
    // after another in layer order.
    GradientReducer(Communicator& communicator, float* gradients, const std::vector<GradientRange>& layers,
                    int64_t bucket_floats = default_bucket_floats);

    // Before a step's backward: each rank's gradients are scaled by `scale` (its rows over the global batch's)
    // before the sum, so that the sum is the global batch's mean gradient.
    void begin_step(float scale);
    // After layer `layer`'s backward: starts every bucket now complete, and lets MPI move the started ones on.
    void layer_done(size_t layer);
    // Starts what is left and waits: the gradients are then the global batch's on every rank.
    void finish();

    int buckets() const { return static_cast<int>(buckets_.size()); }
    // Floats summed per step, and the seconds finish() has waited so far (communication not hidden by backward).
    int64_t floats_per_step() const { return floats_; }
    double wait_seconds() const { return wait_seconds_; }

private:
    struct Bucket {
        size_t first_layer;  // the bucket is complete once this layer's backward is done
        GradientRange range;
        bool started = false;
    };
    void start(Bucket& bucket);

    Communicator& communicator_;
    float* gradients_;
    std::vector<Bucket> buckets_;  // from the arena's end (the last layers) to its start
    float scale_ = 1.0f;
    int64_t floats_ = 0;
    double wait_seconds_ = 0.0;
};

}  // namespace nnlab
