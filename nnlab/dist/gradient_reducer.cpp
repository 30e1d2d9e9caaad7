// GradientReducer — buckets of the gradient arena summed over the ranks while backward runs.
#include "nnlab/dist/gradient_reducer.hpp"

#include <optional>
#include <span>
#include <string>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

GradientReducer::GradientReducer(Communicator& communicator, float* gradients, const std::vector<GradientRange>& layers,
                                 int64_t bucket_floats)
    : communicator_(communicator), gradients_(gradients) {
    std::optional<Bucket> open;
    int64_t expected_end = -1;
    for (size_t i = layers.size(); i-- > 0;) {
        const GradientRange& range = layers[i];
        if (range.end == range.begin) continue;
        // Backward fills the arena from its end: each layer's range must end where the next one's begins (the
        // arena's padding between them included).
        if (expected_end >= 0 && range.end > expected_end) {
            throw Error("GradientReducer: layer " + std::to_string(i) + "'s gradients [" + std::to_string(range.begin) +
                            ", " + std::to_string(range.end) + ") are not before the next layer's",
                        ErrorKind::failure);
        }
        expected_end = range.begin;
        if (!open) open = Bucket{.first_layer = i, .range = range};
        open->first_layer = i;
        open->range.begin = range.begin;
        if (open->range.end - open->range.begin >= bucket_floats) {
            buckets_.push_back(*open);
            open.reset();
        }
    }
    if (open) buckets_.push_back(*open);
    for (const Bucket& bucket : buckets_) floats_ += bucket.range.end - bucket.range.begin;
}

void GradientReducer::begin_step(float scale) {
    scale_ = scale;
    for (Bucket& bucket : buckets_) bucket.started = false;
}

void GradientReducer::start(Bucket& bucket) {
    float* values = gradients_ + bucket.range.begin;
    const int64_t count = bucket.range.end - bucket.range.begin;
    if (scale_ != 1.0f) {
        Tensor view = Tensor::view_of(values, Shape{count});
        scale_shift(view, view, scale_, 0.0f);
    }
    communicator_.start_sum(std::span<float>(values, static_cast<size_t>(count)));
    bucket.started = true;
}

void GradientReducer::layer_done(size_t layer) {
    for (Bucket& bucket : buckets_)
        if (!bucket.started && bucket.first_layer >= layer) start(bucket);
    communicator_.progress();
}

void GradientReducer::finish() {
    for (Bucket& bucket : buckets_)
        if (!bucket.started) start(bucket);
    const auto begin = std::chrono::steady_clock::now();
    communicator_.wait_all();
    wait_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

}  // namespace nnlab
