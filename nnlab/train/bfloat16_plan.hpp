// Bfloat16Plan — which tensors pass between layers in bfloat16 (Layer's "bfloat16 between layers"): decided once, when
// the model compiles, from what each layer can take and write.
#pragma once

#include <memory>
#include <vector>

#include "nnlab/layers/layer.hpp"

namespace nnlab {

struct Bfloat16Plan {
    // Per layer: its training forward writes its output rounded into the next layer's copy (a fused layer's output
    // is the one before it: the flag is on the layer that took it over, and the next layer is the next unfused one).
    std::vector<bool> rounded_output;
    // Per unfused layer: its output gradient (dy) and input gradient (dx) in bfloat16. Both layers on each side of a
    // gradient agree.
    std::vector<Layer::GradientPrecisions> rounded_gradients;
};

// Every tensor that both its writer and its reader can pass in bfloat16 does; none when `on` is false (float32
// models, or CompileOptions::bfloat16_between_layers off). fused[i]: layer i's work is done by the one before it.
Bfloat16Plan plan_bfloat16(const std::vector<std::unique_ptr<Layer>>& layers, const std::vector<bool>& fused, bool on);

}  // namespace nnlab
