// Forward FLOPs per image of a model's convolutions and dense layers, read from the layers after a forward pass
// (the convolutions know their geometry only then). A training step costs about three times that: the forward
// pass, the gradient of the input and the gradient of the weights.
#pragma once

#include "nnlab/nnlab.hpp"

namespace nnlab::bench {

struct FlopCount {
    double convolution = 0, dense = 0;
    double total() const { return convolution + dense; }
};

inline void count_flops(const Layer& layer, FlopCount& count) {
    if (const auto* conv = dynamic_cast<const Conv2D*>(&layer)) {
        count.convolution += conv->geometry().flops() / double(conv->geometry().batch);
    } else if (const auto* depthwise = dynamic_cast<const DepthwiseConv2D*>(&layer)) {
        count.convolution += depthwise->geometry().flops() / double(depthwise->geometry().batch);
    } else if (const auto* whitening = dynamic_cast<const PatchWhitening*>(&layer)) {
        count.convolution +=
            whitening->convolution().geometry().flops() / double(whitening->convolution().geometry().batch);
    } else if (const auto* dense = dynamic_cast<const Dense*>(&layer)) {
        const Shape& kernel = const_cast<Dense*>(dense)->kernel().shape;
        count.dense += 2.0 * double(kernel[0]) * double(kernel[1]);
    } else if (const auto* block = dynamic_cast<const Residual*>(&layer)) {
        for (const auto& inner : block->main_layers()) count_flops(*inner, count);
        for (const auto& inner : block->shortcut_layers()) count_flops(*inner, count);
    }
}

inline FlopCount count_flops(const Sequential& model) {
    FlopCount count;
    for (const auto& layer : model.layers()) count_flops(*layer, count);
    return count;
}

}  // namespace nnlab::bench
