// LayerNames — the names of one model's layers (or of one Residual block's): Keras's automatic names for layers
// given none, and the check that no two layers share one; each in constant time, for models of thousands of layers.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>

namespace nnlab {

class LayerNames {
public:
    // Keras's naming scheme: the type in snake case (Dense → dense, MaxPooling2D → max_pooling2d), then dense_1,
    // dense_2, … — the first not taken. Does not take it.
    std::string unique(const std::string& type);
    bool is_taken(const std::string& name) const { return taken_.contains(name); }
    // Takes `name`; false when it is already taken.
    bool take(const std::string& name);

private:
    std::unordered_set<std::string> taken_;
    // Per snake-case base, the suffix to try next: names are only ever added, so the first free one never lies
    // below the last one handed out.
    std::unordered_map<std::string, int> next_suffix_;
};

}  // namespace nnlab
