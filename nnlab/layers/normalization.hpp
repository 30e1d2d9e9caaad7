// Normalization — y = (x − mean) / max(sqrt(variance), epsilon) per feature of the last axis, mean and variance
// computed from training data by adapt() before training (Keras: layers.Normalization(axis=-1) with adapt()).
// The usual first layer of a tabular model, whose columns come in very different units.
#pragma once

#include "nnlab/layers/layer.hpp"

namespace nnlab {

class Normalization final : public Layer {
public:
    // Keras's backend.epsilon(): the smallest standard deviation divided by (a constant feature stays finite).
    static constexpr double epsilon = 1e-7;

    // samples: the training examples adapt() reads (the first ones). Throws KeyError("samples") unless positive.
    explicit Normalization(int64_t samples = 100000);

    std::string type() const override { return "Normalization"; }
    Shape build(const Shape& input) override;  // any shape, unchanged; statistics per last-axis feature
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;  // dx = dy / std
    BackwardReads backward_reads() const override { return {.input = false, .output = false}; }
    std::vector<Param*> params() override { return {&mean_, &variance_}; }
    nlohmann::json config() const override { return {{"samples", samples_}}; }

    int64_t adapt_samples() const override { return samples_; }
    // x (n, …): the mean and the (population) variance of each last-axis feature over every other axis, in double.
    void adapt(const Tensor& x) override;

    Param& mean() { return mean_; }
    Param& variance() { return variance_; }
    // What forward multiplies by after centring: 1 / max(sqrt(variance), epsilon) per feature.
    std::vector<float> inverse_deviations() const;

private:
    int64_t samples_;
    Param mean_;      // (C), zeros until adapted, not trainable
    Param variance_;  // (C), ones until adapted, not trainable
};

}  // namespace nnlab
