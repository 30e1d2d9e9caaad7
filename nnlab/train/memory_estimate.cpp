// The memory a model needs to train, from its shapes.
#include "nnlab/train/memory_estimate.hpp"

#include "nnlab/core/resource_usage.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {
namespace {

constexpr double float_bytes = sizeof(float);

// The product of the dimensions as a double: an estimate must not overflow where the shape itself would.
double elements(const Shape& shape) {
    double n = 1;
    for (int64_t d : shape.dims()) n *= static_cast<double>(d);
    return n;
}

}  // namespace

MemoryEstimate& MemoryEstimate::operator+=(const MemoryEstimate& other) {
    weights += other.weights;
    training_state += other.training_state;
    activations += other.activations;
    return *this;
}

MemoryEstimate estimate_layer_memory(Layer& layer, const Shape& output_shape, int64_t batch_size,
                                     int optimizer_state_copies) {
    MemoryEstimate estimate;
    for (const Param* p : layer.params()) {
        const double bytes = elements(p->shape) * float_bytes;
        estimate.weights += bytes;
        // Its gradient and, when it is trained, the optimizer's copies.
        estimate.training_state += bytes * (1 + (p->trainable ? optimizer_state_copies : 0));
    }
    estimate.activations = 2 * static_cast<double>(batch_size) * elements(output_shape.without_batch()) * float_bytes;
    return estimate;
}

MemoryEstimate estimate_training_memory(const Sequential& model, int64_t batch_size, int optimizer_state_copies,
                                        size_t* largest_layer) {
    // The batch as the loader hands it over: images and one-hot labels.
    MemoryEstimate estimate{.activations = static_cast<double>(batch_size) *
                                           (elements(model.input_shape().without_batch()) +
                                            elements(model.output_shape().without_batch())) *
                                           float_bytes};
    double largest = -1;
    for (size_t i = 0; i < model.layers().size(); ++i) {
        const MemoryEstimate layer = estimate_layer_memory(*model.layers()[i], model.layer_output_shapes()[i],
                                                           batch_size, optimizer_state_copies);
        estimate += layer;
        if (largest_layer != nullptr && layer.total() > largest) {
            largest = layer.total();
            *largest_layer = i;
        }
    }
    return estimate;
}

void check_training_memory(const Sequential& model, int64_t batch_size, int optimizer_state_copies,
                           std::optional<uint64_t> available) {
    if (!available || model.layers().empty()) return;
    size_t largest = 0;
    const MemoryEstimate need = estimate_training_memory(model, batch_size, optimizer_state_copies, &largest);
    // A compiled model already holds its weights and training state: they are not needed a second time.
    const double held = model.is_compiled() ? need.weights + need.training_state : 0.0;
    if (need.total() <= static_cast<double>(*available) + held) return;
    Layer& layer = *model.layers()[largest];
    throw LayerError(largest, memory_error_message(need, batch_size, static_cast<double>(*available) + held, layer,
                                                   estimate_layer_memory(layer, model.layer_output_shapes()[largest],
                                                                         batch_size, optimizer_state_copies)));
}

void check_training_memory(const Sequential& model, int64_t batch_size, int optimizer_state_copies) {
    check_training_memory(model, batch_size, optimizer_state_copies, available_memory_bytes());
}

std::string memory_error_message(const MemoryEstimate& need, int64_t batch_size, double available, const Layer& layer,
                                 const MemoryEstimate& layer_need) {
    return "the model needs at least " + byte_size(need.total()) + " to train at batch size " +
           std::to_string(batch_size) + " (weights " + byte_size(need.weights) + ", their gradients and optimizer " +
           "state " + byte_size(need.training_state) + ", activations " + byte_size(need.activations) +
           ") but this machine has " + byte_size(available) + " available; the largest layer is " + layer.name() +
           " (" + layer.type() + ") with " + byte_size(layer_need.total()) + ": use fewer units or filters" +
           (batch_size > 1 ? ", or a smaller batch_size" : "");
}

}  // namespace nnlab
