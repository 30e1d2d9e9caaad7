// PatchWhitening — a convolution whose filters whiten the image's k×k patches, set from training images before
// training and frozen (airbench's first layer, K. Jordan 2024; Keras has no such layer). Its kernel holds the
// eigenvectors v of the patches' second-moment matrix scaled by 1/sqrt(λ + epsilon), largest λ first, then the same
// filters negated (so a following ReLU-like activation keeps both signs): 2·k·k·C filters. The bias is trained.
#pragma once

#include <array>
#include <string>

#include "nnlab/layers/conv2d.hpp"
#include "nnlab/layers/layer.hpp"

namespace nnlab {

// The most values a patch may hold (kernel_size² × channels): the layer keeps their (d × d) second moments and
// eigendecomposes them; airbench's 2×2 RGB patches hold 12.
constexpr int64_t max_patch_size = 256;

struct PatchWhiteningOptions {
    int64_t kernel_size = 2;  // the patch side k
    double epsilon = 5e-4;    // added to each eigenvalue before the square root
    int64_t samples = 5000;   // images adapt() looks at (the first ones of the training set)
    std::string activation = "linear";
};

class PatchWhitening final : public Layer {
public:
    // Throws KeyError naming kernel_size or samples unless positive, epsilon unless > 0, an unknown activation.
    explicit PatchWhitening(PatchWhiteningOptions options = {});

    std::string type() const override { return "PatchWhitening"; }
    Shape build(const Shape& input) override;  // (N, H, W, C) -> (N, H − k + 1, W − k + 1, 2·k·k·C)
    void forward(const Tensor& x, Tensor& y, Mode mode) override { convolution_.forward(x, y, mode); }
    void backward(const Tensor& dy, Tensor& dx) override { convolution_.backward(dy, dx); }
    BackwardReads backward_reads() const override { return convolution_.backward_reads(); }
    void set_precision(Precision precision) override;  // the convolution stays float32 (see the .cpp)
    std::vector<Param*> params() override { return convolution_.params(); }
    nlohmann::json config() const override;

    int64_t adapt_samples() const override { return options_.samples; }
    // x (n, H, W, C): the kernel from its patches (every k×k window, stride 1). Throws nnlab::Error unless x has the
    // input's shape or when the eigen-solver fails.
    void adapt(const Tensor& x) override;

    const PatchWhiteningOptions& options() const { return options_; }
    Param& kernel() { return convolution_.kernel(); }
    Param& bias() { return convolution_.bias(); }
    const Conv2D& convolution() const { return convolution_; }

private:
    PatchWhiteningOptions options_;
    Conv2D convolution_;
};

// The patches' second moments E[p pᵀ] over every k×k window (stride 1) of x (n, H, W, C), p flattened as (row,
// column, channel): (k·k·C)², row-major, in double. Summed image by image in a fixed order, so the result does not
// depend on the thread count.
std::vector<double> patch_second_moments(const Tensor& x, int64_t kernel_size);

}  // namespace nnlab
