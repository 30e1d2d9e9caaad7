// The memory a model needs to train, worked out from its shapes before anything is allocated, so that a model too
// large for the machine is refused with its size and its largest layer instead of dying in the allocator.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace nnlab {

class Layer;
class Sequential;
class Shape;

// Bytes, as doubles: a description may ask for sizes whose byte counts do not fit an integer.
struct MemoryEstimate {
    double weights = 0;         // every parameter
    double training_state = 0;  // their gradients and the optimizer's state
    double activations = 0;     // outputs and their gradients at the batch size (and, for a model, the batch itself)

    double total() const { return weights + training_state + activations; }
    MemoryEstimate& operator+=(const MemoryEstimate& other);
};

// One layer's part (its params() are not const). `optimizer_state_copies` is Optimizer::state_copies().
MemoryEstimate estimate_layer_memory(Layer& layer, const Shape& output_shape, int64_t batch_size,
                                     int optimizer_state_copies);

// The whole model's, a lower bound: the layers' own scratch buffers (batch norm's statistics, dropout's mask,
// bfloat16 copies) come on top. `largest_layer` is set to the index of the layer needing the most.
MemoryEstimate estimate_training_memory(const Sequential& model, int64_t batch_size, int optimizer_state_copies,
                                        size_t* largest_layer = nullptr);

// Throws LayerError at the largest layer, with the bytes, when the estimate exceeds `available` (by default what
// this machine has free now: available_memory_bytes()) and what a compiled model already holds; does nothing when
// that cannot be known.
void check_training_memory(const Sequential& model, int64_t batch_size, int optimizer_state_copies,
                           std::optional<uint64_t> available);
void check_training_memory(const Sequential& model, int64_t batch_size, int optimizer_state_copies);

// The message of that error: the model needs `need` at `batch_size`, the machine has `available`, and `layer`
// needs `layer_need` of it.
std::string memory_error_message(const MemoryEstimate& need, int64_t batch_size, double available, const Layer& layer,
                                 const MemoryEstimate& layer_need);

}  // namespace nnlab
