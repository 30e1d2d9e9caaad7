// Layer — the interface every layer implements (Keras: keras.layers.Layer).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/core/precision.hpp"
#include "nnlab/core/shape.hpp"
#include "nnlab/dist/batch_shard.hpp"
#include "nnlab/layers/param.hpp"
#include "nnlab/tensor/bf16_tensor.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

// Training vs inference, for layers that differ between them (dropout, batch norm).
enum class Mode { training, inference };

class Layer {
public:
    virtual ~Layer() = default;

    // The Keras class name ("Dense"); also the `type` in configs and model files.
    virtual std::string type() const = 0;
    // Keras's layer name ("dense_1"); Sequential assigns one when none was given.
    const std::string& name() const { return name_; }
    void set_name(std::string name) { name_ = std::move(name); }
    // Keras's layer.trainable: false freezes every weight of the layer (no update; counted as non-trainable) and
    // runs batch normalization in inference mode. Set before the model is built (Sequential::build reads it).
    bool trainable() const { return trainable_; }
    virtual void set_trainable(bool trainable) { trainable_ = trainable; }

    // Checks the input shape (batch first, None for the batch) once, declares the parameters and
    // returns the output shape. Throws nnlab::Error naming the layer and both shapes.
    virtual Shape build(const Shape& input) = 0;
    // y = layer(x); y is allocated by the model with the shape build() returned for this batch.
    virtual void forward(const Tensor& x, Tensor& y, Mode mode) = 0;
    // Given dL/dy, *adds* into parameter gradients and writes dL/dx (skipped when dx is empty).
    // Uses what the last forward() kept.
    virtual void backward(const Tensor& dy, Tensor& dx) = 0;
    // Asks backward() to *write* the parameter gradients instead of adding to them (Dense: the GEMM stores dW
    // directly), which spares the owner zeroing them before each step: for the seed MLP a serial pass over 7 MB
    // per step, plus the GEMM's read of the old values. Returns false for a layer that can only add (the default).
    virtual bool write_gradients_in_backward() { return false; }
    // Which tensors of its last forward the layer's backward reads: its input x and its output y (the views it kept).
    // The model lends the memory of an output that neither its own layer's backward nor the next layer's reads to
    // later outputs once the next layer has run (PyTorch frees what autograd did not save). Both, the default, is
    // always right; a layer says less only for what it copied (a bfloat16 operand) or never needs (pooling indices).
    struct BackwardReads {
        bool input = true;
        bool output = true;
    };
    virtual BackwardReads backward_reads() const { return {}; }

    // The arithmetic of the layer's GEMMs or convolutions from now on; Sequential::compile sets it on every layer.
    // A layer hands its products' operands over as Operands of precision() (kernels/ops.hpp), which round them when
    // it is bfloat16 and pick the kernel: no layer branches on it.
    virtual void set_precision(Precision precision) { precision_ = precision; }
    Precision precision() const { return precision_; }

    // Every tensor of the layer's state, trainable or not (Param::trainable), in a fixed order.
    virtual std::vector<Param*> params() { return {}; }
    // Layers that draw random numbers in training (Dropout) derive their own stream from the run's seed
    // here; Sequential::build calls it once per layer.
    virtual void seed_randomness(uint64_t /*run_seed*/) {}
    // The random streams the layer draws from while training (Dropout's masks), in a fixed order, so that a saved
    // training state can hold where each stands.
    virtual std::vector<Rng*> random_streams() { return {}; }
    // Before each training step: the part of the global batch this process holds (all of it in one process).
    // Layers whose result depends on the rest of the batch (Dropout's draws, synchronised batch norm) keep it. A
    // shard of no rows gets no forward: a layer drawing for the global batch moves its streams on here instead.
    virtual void set_batch_shard(const BatchShard& /*shard*/) {}
    // A rank whose shard holds no rows (a last batch smaller than the ranks) runs no forward or backward; the model
    // calls these in their place, in the same order, so that a layer taking part in collectives (synchronised batch
    // norm) still does and the other ranks are not left waiting.
    virtual void forward_without_rows(Mode /*mode*/) {}
    virtual void backward_without_rows() {}
    // Fusion (Sequential::compile): a layer may take over the work of the layer after it, so that one pass over memory
    // does both (batch norm the activation after it). fuse_next returns whether it did; `next` then passes its input
    // through, and the model lets the two share one output. unfuse() undoes either side of it.
    virtual bool fuse_next(Layer& /*next*/) { return false; }
    virtual void unfuse() {}
    // A container fuses its own layers as the model fuses its (Residual); unfuse() undoes that too.
    virtual void fuse_within() {}
    // bfloat16 between layers (Sequential::compile plans it under precision bfloat16, CompileOptions::
    // bfloat16_between_layers). A layer that rounds a tensor to bfloat16 before any use (a convolution: its input and
    // its output gradient) may take it rounded from the layer that writes it, which then writes bfloat16 straight away:
    // the same numbers, without the float32 copy and the pass that rounds it.
    //
    // Forward, in training: a layer that reads its input only rounded returns where the layer before writes it (its
    // own kept copy, sized for `shape`) and then runs forward_from_rounded; one that can write its output rounded runs
    // forward_rounded. The defaults say no; forward_from_rounded and forward_rounded throw (the plan's bug).
    virtual bool reads_input_rounded() const { return false; }
    virtual Bf16Tensor& rounded_input(const Shape& shape);
    virtual void forward_from_rounded(Tensor& y, Mode mode);
    virtual bool writes_output_rounded() const { return false; }
    virtual void forward_rounded(const Tensor& x, Bf16Tensor& y, Mode mode);
    // Backward: of the gradients `wanted` in bfloat16 (dy, the output's, which the layer reads; dx, the input's,
    // which it writes), those it can take so (a subset; none, the default). The plan then calls the backward of
    // that pair; the default ones throw.
    struct GradientPrecisions {
        bool output = false;
        bool input = false;
    };
    virtual GradientPrecisions bfloat16_gradients(GradientPrecisions /*wanted*/) const { return {}; }
    virtual void backward_from_rounded(const Bf16Tensor& dy, Tensor& dx);
    virtual void backward_to_rounded(const Tensor& dy, Bf16Tensor& dx);
    virtual void backward_rounded(const Bf16Tensor& dy, Bf16Tensor& dx);
    // Keras's adapt() (Normalization.adapt): a layer whose state is computed from data before training
    // (PatchWhitening) says how many sample inputs it wants; Sequential::adapt hands them over as this layer sees
    // them (the layers before it applied in inference mode). 0, the default: nothing to adapt.
    virtual int64_t adapt_samples() const { return 0; }
    virtual void adapt(const Tensor& /*x*/) {}
    // Keras get_config(): the keys that rebuild this layer (the name and type are added by the caller).
    virtual nlohmann::json config() const { return nlohmann::json::object(); }

    // For the fused softmax + cross-entropy: a layer whose output is softmax(z) can take dL/dz
    // directly, skipping the softmax Jacobian (more stable, and what Keras computes in effect).
    virtual bool ends_in_softmax() const { return false; }
    virtual void backward_from_logits(const Tensor& dlogits, Tensor& dx);

protected:
    // "layer 2 (dense): " — the prefix of every error about this layer.
    std::string error_prefix() const;

private:
    std::string name_;
    bool trainable_ = true;
    Precision precision_ = Precision::float32;
};

// Lets each layer take over the work of the one after it where it can (Layer::fuse_next), in order, and the containers
// fuse within; per layer, whether the one before now does its work (then it passes its input through).
std::vector<bool> fuse_neighbours(const std::vector<std::unique_ptr<Layer>>& layers);

}  // namespace nnlab
