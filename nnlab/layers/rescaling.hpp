// Rescaling — y = x · scale + offset, elementwise (Keras: layers.Rescaling). Scales pixels in a model, or
// tempers the logits before a softmax, as the fast CIFAR ResNets do with a scale of 0.125.
#pragma once

#include "nnlab/layers/layer.hpp"

namespace nnlab {

class Rescaling final : public Layer {
public:
    // Throws KeyError("scale") / KeyError("offset") for a value that is not finite.
    explicit Rescaling(double scale, double offset = 0.0);

    std::string type() const override { return "Rescaling"; }
    Shape build(const Shape& input) override;  // any shape, unchanged
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& dy, Tensor& dx) override;  // dx = dy · scale
    BackwardReads backward_reads() const override { return {.input = false, .output = false}; }
    nlohmann::json config() const override;  // scale, offset

    double scale() const { return scale_; }
    double offset() const { return offset_; }

private:
    double scale_;
    double offset_;
};

}  // namespace nnlab
