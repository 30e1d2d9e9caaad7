// BatchNormalization — normalise each channel with the batch's statistics in training and moving averages
// of them in inference, then scale and shift (Keras: layers.BatchNormalization).
#pragma once

#include "nnlab/layers/fused_activation.hpp"
#include "nnlab/layers/initializer.hpp"
#include "nnlab/layers/layer.hpp"
#include "nnlab/layers/regularizer.hpp"
#include "nnlab/layers/saved_tensor.hpp"

namespace nnlab {

// Keras's arguments and defaults.
struct BatchNormalizationOptions {
    int axis = -1;           // only the last (channels) axis is supported; build() says so otherwise
    double momentum = 0.99;  // moving = moving·momentum + batch·(1 − momentum)
    double epsilon = 1e-3;   // added to the variance under the square root
    bool center = true;      // learn beta
    bool scale = true;       // learn gamma
    Initializer beta_initializer = "zeros";
    Initializer gamma_initializer = "ones";
    Initializer moving_mean_initializer = "zeros";
    Initializer moving_variance_initializer = "ones";
    Regularizer beta_regularizer;
    Regularizer gamma_regularizer;
    // Data parallel: normalise with the statistics of the whole global batch, summed over the ranks, rather than
    // each rank's own shard (Keras's synchronized=True; PyTorch's SyncBatchNorm). No effect in one process.
    bool synchronized = false;
};

class BatchNormalization final : public Layer {
public:
    // Throws KeyError("momentum") unless 0 ≤ momentum ≤ 1, KeyError("epsilon") unless epsilon > 0.
    explicit BatchNormalization(BatchNormalizationOptions options = {});

    std::string type() const override { return "BatchNormalization"; }
    // (N, …, C) → the same shape, rank 2 or more; C is the last axis.
    Shape build(const Shape& input) override;
    // Training: the batch mean and biased variance over every axis but the last, and the moving statistics
    // take a step towards them (Keras 3 updates the moving variance with the biased one too). Inference: the
    // moving statistics.
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    // Through the training forward: the batch statistics' dependence on x is part of dx.
    void backward(const Tensor& dy, Tensor& dx) override;
    // Reads x, from a copy under bfloat16.
    BackwardReads backward_reads() const override {
        return {.input = precision() == Precision::float32, .output = false};
    }
    // Takes over an Activation of a kind batch_norm_fuses (relu, gelu, linear) that follows it, unless synchronized:
    // a training step then runs batch_norm_activation_forward_training and its backward, which keep only x (the
    // activation's input is recomputed from it). Inference and a frozen layer apply the activation after the batch
    // norm, in place.
    bool fuse_next(Layer& next) override;
    void unfuse() override;
    // Fused, trainable and under bfloat16, a training forward may write y rounded and backward dx rounded, for a
    // convolution that would round them.
    bool writes_output_rounded() const override;
    void forward_rounded(const Tensor& x, Bf16Tensor& y, Mode mode) override;
    GradientPrecisions bfloat16_gradients(GradientPrecisions wanted) const override;
    void backward_to_rounded(const Tensor& dy, Bf16Tensor& dx) override;
    void set_batch_shard(const BatchShard& shard) override { shard_ = shard; }
    void forward_without_rows(Mode mode) override;
    void backward_without_rows() override;
    // gamma (if scale), beta (if center), moving_mean, moving_variance: Keras's names and order.
    std::vector<Param*> params() override;
    // axis, momentum, epsilon, center, scale; initializers and regularizers where not Keras's defaults; synchronized
    // when set (as Keras writes it).
    nlohmann::json config() const override;

    const BatchNormalizationOptions& options() const { return options_; }
    Param& gamma() { return gamma_; }
    Param& beta() { return beta_; }
    Param& moving_mean() { return moving_mean_; }
    Param& moving_variance() { return moving_variance_; }

private:
    const Tensor& scale_values() const { return options_.scale ? gamma_.value : ones_; }
    const Tensor& shift_values() const { return options_.center ? beta_.value : zeros_; }
    // Whether this training step sums its statistics over ranks: synchronized, trainable, and more than one rank.
    bool synchronizing(Mode mode) const;
    // batch_mean_ and batch_variance_ hold this rank's statistics over `values` values per channel (none on a rank
    // without rows); replaces them with the global batch's, the same on every rank.
    void synchronize_statistics(int64_t values);
    // Adds to dx what the other ranks' rows contribute through the global statistics (dx holds this rank's
    // backward with those statistics) and returns dgamma's and dbeta's local parts in local_dgamma_, local_dbeta_.
    void synchronize_backward(const Tensor& x, const Tensor& dy, Tensor& dx);
    // The fused training forward into y (float32 or bfloat16), and its backward into dx: x kept, the statistics
    // and their moving averages.
    template <class Output>
    void fused_forward(const Tensor& x, Output& y);
    template <class InputGradient>
    void fused_backward(const Tensor& dy, InputGradient& dx, Tensor& dgamma, Tensor& dbeta);

    BatchNormalizationOptions options_;
    Param gamma_;                                    // (C), ones
    Param beta_;                                     // (C), zeros
    Param moving_mean_;                              // (C), zeros, not trainable
    Param moving_variance_;                          // (C), ones, not trainable
    Tensor ones_, zeros_;                            // stand in for gamma and beta when scale or center is off
    Tensor batch_mean_, batch_variance_;             // (C), of the last training forward
    Tensor unused_grad_;                             // (C), takes dgamma or dbeta when there is no such parameter
    Tensor dx_scratch_;                              // takes dx when the caller wants none
    SavedTensor x_;                                  // the forward input, kept for backward in the precision
    BatchShard shard_;                               // this step's part of the global batch
    Layer* fused_ = nullptr;                         // the Activation taken over (fuse_next), or none
    FusedActivation after_{ActivationKind::linear};  // its activation, applied after the batch norm when not fused
    bool fused_forward_ = false;                     // whether the last forward ran the fused kernel
    Tensor local_dgamma_, local_dbeta_;              // (C), synchronised backward: this rank's sums of dy·x̂ and dy
    Tensor correction_scale_, correction_shift_;     // (C), synchronised backward: dx += x·scale + shift
};

}  // namespace nnlab
