// Loader — seeded shuffle, per-image augmentation and scaling into float batches, built ahead.
#include "nnlab/data/loader.hpp"

#include <algorithm>
#include <array>
#include <numeric>

#include "nnlab/core/error.hpp"
#include "nnlab/data/pixel_scale.hpp"

namespace nnlab {

Loader::Loader(const Dataset& data, int64_t num_classes, LoaderOptions options)
    : data_(data), num_classes_(num_classes), options_(options), shuffle_rng_(options.seed, "shuffle") {
    if (options_.batch_size <= 0) {
        throw KeyError("batch_size",
                       "batch_size: expected a positive integer, found " + std::to_string(options_.batch_size));
    }
    if (options_.workers < 0)
        throw KeyError("workers", "workers: expected 0 or more, found " + std::to_string(options_.workers));
    if (options_.prefetch < 1)
        throw KeyError("prefetch", "prefetch: expected 1 or more, found " + std::to_string(options_.prefetch));
    if (data_.size() == 0) throw Error("the dataset is empty: nothing to make batches of");
    if (options_.shard_count < 1 || options_.shard_rank < 0 || options_.shard_rank >= options_.shard_count) {
        throw Error("Loader: shard " + std::to_string(options_.shard_rank) + " of " +
                        std::to_string(options_.shard_count) + " does not exist",
                    ErrorKind::failure);
    }
    // One output is a binary classifier's (Keras: Dense(1, "sigmoid") with binary_crossentropy): y is the label.
    const int64_t label_limit = num_classes == 1 ? 2 : num_classes;
    for (size_t i = 0; i < data_.labels.size(); ++i) {
        if (data_.labels[i] < 0 || data_.labels[i] >= label_limit) {
            throw Error("label " + std::to_string(data_.labels[i]) + " of example " + std::to_string(i) +
                        " is outside [0, " + std::to_string(label_limit) + ")" +
                        (num_classes == 1 ? " (a model with one output is a binary classifier: labels 0 and 1)" : ""));
        }
    }
    if (options_.augmenter != nullptr && data_.has_features()) {
        throw Error("augmentation transforms uint8 images; this dataset holds float features " +
                    data_.image_shape.to_string() + " (remove [augment], or give the images as uint8)");
    }
    if (options_.augmenter != nullptr && options_.augmenter->config().needs_fit() && !options_.augmenter->fitted()) {
        throw Error(
            "the augmentation standardises with statistics of the training images; call fit() on it first "
            "(Keras: datagen.fit(x_train))");
    }
    if (options_.augmenter != nullptr && options_.augmenter->image_shape() != data_.image_shape) {
        throw Error("augmentation is set up for images " + options_.augmenter->image_shape().to_string() +
                    " but the dataset has " + data_.image_shape.to_string());
    }
    options_.batch_size = std::min(options_.batch_size, data_.size());
    steps_ = (data_.size() + options_.batch_size - 1) / options_.batch_size;
    order_.resize(static_cast<size_t>(data_.size()));
    std::iota(order_.begin(), order_.end(), 0);
    // One slot when building in next(); otherwise the one in use plus `prefetch` ahead.
    const int slots = options_.workers == 0 ? 1 : options_.prefetch + 1;
    const int64_t shard_rows = (options_.batch_size + options_.shard_count - 1) / options_.shard_count;
    std::vector<int64_t> image_dims{shard_rows};
    for (int64_t d : data_.image_shape.dims()) image_dims.push_back(d);
    slots_.resize(static_cast<size_t>(slots));
    for (Slot& slot : slots_) {
        slot.x_storage = Tensor(Shape(image_dims));
        slot.y_storage = Tensor(Shape{shard_rows, num_classes_});
    }
}

Loader::~Loader() {
    stop_workers();
}

void Loader::stop_workers() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
}

void Loader::start_epoch(int epoch, int64_t first_step) {
    if (epoch < 0 || (options_.shuffle && epoch + 1 < shuffled_epochs_)) {
        throw Error("Loader::start_epoch(" + std::to_string(epoch) + ") after epoch " + std::to_string(epoch_) +
                        ": epochs go forward",
                    ErrorKind::failure);
    }
    if (first_step < 0 || first_step > steps_) {
        throw Error("Loader::start_epoch: step " + std::to_string(first_step) + " is outside the epoch's " +
                        std::to_string(steps_) + " batches",
                    ErrorKind::failure);
    }
    stop_workers();
    epoch_ = epoch;
    while (options_.shuffle && shuffled_epochs_ <= epoch) {
        for (int64_t i = data_.size() - 1; i > 0; --i) {
            std::swap(order_[static_cast<size_t>(i)], order_[shuffle_rng_.below(static_cast<uint64_t>(i + 1))]);
        }
        ++shuffled_epochs_;
    }
    next_to_build_ = first_step;
    next_to_return_ = first_step;
    stopping_ = false;
    for (Slot& slot : slots_) {
        slot.index = -1;
        slot.ready = false;
    }
    for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { worker_loop(); });
}

void Loader::build(int64_t batch_index, Slot& slot) const {
    const BatchShard shard = shard_of(std::min(options_.batch_size, data_.size() - batch_index * options_.batch_size),
                                      options_.shard_rank, options_.shard_count);
    const int64_t begin = batch_index * options_.batch_size + shard.offset;
    const int64_t rows = shard.rows;
    const int64_t pixels = data_.image_size();
    slot.batch.shard = shard;
    slot.batch.x = slot.x_storage.first_rows(rows);
    slot.batch.y = slot.y_storage.first_rows(rows);
    slot.batch.y.fill(0.0f);
    const Augmenter* augmenter = options_.augmenter;
    // Built in the training thread (workers = 0), the images of a batch are shared out over the
    // OpenMP team the kernels use; a background worker builds its batch alone, beside that team.
    const bool parallel = options_.workers == 0 && augmenter != nullptr;
#pragma omp parallel for schedule(static) if (parallel)
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t position = begin + r;
        const int64_t example = order_[static_cast<size_t>(position)];
        float* out = slot.batch.x.data() + r * pixels;
        const int32_t label = data_.labels[static_cast<size_t>(example)];  // checked at construction
        if (num_classes_ == 1) {
            slot.batch.y[r] = static_cast<float>(label);
        } else {
            slot.batch.y[r * num_classes_ + label] = 1.0f;
        }
        if (data_.has_features()) {
            std::copy_n(data_.feature_row(example), pixels, out);
            continue;
        }
        const uint8_t* image = data_.image(example);
        if (augmenter != nullptr && options_.random_transforms) {
            // Each image's own stream: the result does not depend on which thread builds it.
            Rng rng(options_.seed + 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(epoch_ * data_.size() + position + 1),
                    "augment");
            augmenter->augment(image, out, rng, Whitening::deferred,
                               {.seed = options_.seed, .example = example, .epoch = epoch_});
        } else if (augmenter != nullptr) {
            augmenter->standardize(image, out, Whitening::deferred);
        } else {
            const std::array<float, 256>& unit = unit_pixel_values();
            for (int64_t p = 0; p < pixels; ++p) out[p] = unit[image[p]];
        }
    }
    if (augmenter != nullptr) augmenter->whiten(slot.batch.x.data(), rows);
}

void Loader::worker_loop() {
    std::unique_lock lock(mutex_);
    while (true) {
        // Take the next batch once its slot is free (the consumer has moved past what it held).
        Slot* slot = nullptr;
        int64_t index = 0;
        changed_.wait(lock, [&] {
            if (stopping_ || next_to_build_ >= steps_) return true;
            Slot& candidate = slots_[static_cast<size_t>(next_to_build_ % static_cast<int64_t>(slots_.size()))];
            return candidate.index < next_to_return_ - 1 || candidate.index == -1;
        });
        if (stopping_ || next_to_build_ >= steps_) return;
        index = next_to_build_++;
        slot = &slots_[static_cast<size_t>(index % static_cast<int64_t>(slots_.size()))];
        slot->index = index;
        slot->ready = false;
        slot->error = nullptr;
        lock.unlock();
        try {
            build(index, *slot);
        } catch (...) {
            slot->error = std::current_exception();
        }
        lock.lock();
        slot->ready = true;
        changed_.notify_all();
    }
}

const Batch* Loader::next() {
    if (epoch_ < 0) throw Error("Loader::next() before start_epoch()", ErrorKind::failure);
    if (next_to_return_ >= steps_) return nullptr;
    const int64_t index = next_to_return_;
    Slot& slot = slots_[static_cast<size_t>(index % static_cast<int64_t>(slots_.size()))];
    if (options_.workers == 0) {
        build(index, slot);
        ++next_to_return_;
        return &slot.batch;
    }
    std::unique_lock lock(mutex_);
    ++next_to_return_;  // the previous batch's slot may now be reused
    changed_.notify_all();
    changed_.wait(lock, [&] { return slot.index == index && slot.ready; });
    if (slot.error) std::rethrow_exception(slot.error);
    return &slot.batch;
}

}  // namespace nnlab
