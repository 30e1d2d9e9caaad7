// Bfloat16Plan — which tensors pass between layers in bfloat16.
#include "nnlab/train/bfloat16_plan.hpp"

#include <cstddef>

namespace nnlab {

Bfloat16Plan plan_bfloat16(const std::vector<std::unique_ptr<Layer>>& layers, const std::vector<bool>& fused, bool on) {
    const size_t n = layers.size();
    Bfloat16Plan plan{std::vector<bool>(n, false), std::vector<Layer::GradientPrecisions>(n)};
    if (!on) return plan;
    // The unfused layers in order; tensors pass between neighbours in it (the model's last output stays float32:
    // the loss reads it).
    std::vector<size_t> order;
    for (size_t i = 0; i < n; ++i)
        if (!fused[i]) order.push_back(i);
    for (size_t k = 0; k + 1 < order.size(); ++k)
        plan.rounded_output[order[k]] =
            layers[order[k]]->writes_output_rounded() && layers[order[k + 1]]->reads_input_rounded();
    // Gradients: start from every one between two layers in bfloat16 and take back, until nothing changes, what a
    // layer refuses given its other gradient (a max pool takes both or neither). Flags only go from on to off.
    std::vector<bool> rounded(order.size(), true);  // rounded[k]: the gradient of order[k]'s output
    if (!rounded.empty()) rounded.back() = false;
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t k = 0; k < order.size(); ++k) {
            const Layer::GradientPrecisions wanted{.output = rounded[k], .input = k > 0 && rounded[k - 1]};
            const Layer::GradientPrecisions taken = layers[order[k]]->bfloat16_gradients(wanted);
            if (wanted.output && !taken.output) rounded[k] = false, changed = true;
            if (wanted.input && !taken.input) rounded[k - 1] = false, changed = true;
        }
    }
    for (size_t k = 0; k < order.size(); ++k)
        plan.rounded_gradients[order[k]] = {.output = rounded[k], .input = k > 0 && rounded[k - 1]};
    return plan;
}

}  // namespace nnlab
