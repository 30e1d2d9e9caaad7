// BatchNormalization — normalise each channel with the batch's statistics in training and moving averages
// of them in inference, then scale and shift (Keras: layers.BatchNormalization).
#pragma once

#include "nnlab/layers/initializer.hpp"
#include "nnlab/layers/layer.hpp"
#include "nnlab/layers/regularizer.hpp"

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
    // gamma (if scale), beta (if center), moving_mean, moving_variance: Keras's names and order.
    std::vector<Param*> params() override;
    // axis, momentum, epsilon, center, scale; initializers and regularizers where not Keras's defaults.
    nlohmann::json config() const override;

    const BatchNormalizationOptions& options() const { return options_; }
    Param& gamma() { return gamma_; }
    Param& beta() { return beta_; }
    Param& moving_mean() { return moving_mean_; }
    Param& moving_variance() { return moving_variance_; }

private:
    const Tensor& scale_values() const { return options_.scale ? gamma_.value : ones_; }
    const Tensor& shift_values() const { return options_.center ? beta_.value : zeros_; }

    BatchNormalizationOptions options_;
    Param gamma_;                         // (C), ones
    Param beta_;                          // (C), zeros
    Param moving_mean_;                   // (C), zeros, not trainable
    Param moving_variance_;               // (C), ones, not trainable
    Tensor ones_, zeros_;                 // stand in for gamma and beta when scale or center is off
    Tensor batch_mean_, batch_variance_;  // (C), of the last training forward
    Tensor unused_grad_;                  // (C), takes dgamma or dbeta when there is no such parameter
    Tensor dx_scratch_;                   // takes dx when the caller wants none
    Tensor x_;                            // the forward input, kept for backward
};

}  // namespace nnlab
