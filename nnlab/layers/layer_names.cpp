// LayerNames — automatic and unique layer names.
#include "nnlab/layers/layer_names.hpp"

#include <cctype>
#include <regex>

namespace nnlab {
namespace {

// Keras's to_snake_case, the same two substitutions: Conv2D → conv2d, MaxPooling2D → max_pooling2d,
// BatchNormalization → batch_normalization.
std::string snake_case(const std::string& type) {
    static const std::regex word_start("(.)([A-Z][a-z0-9]+)");
    static const std::regex lower_upper("([a-z])([A-Z])");
    std::string name = std::regex_replace(std::regex_replace(type, word_start, "$1_$2"), lower_upper, "$1_$2");
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name;
}

}  // namespace

std::string LayerNames::unique(const std::string& type) {
    const std::string base = snake_case(type);
    if (!taken_.contains(base)) return base;
    int& suffix = next_suffix_.try_emplace(base, 1).first->second;
    while (taken_.contains(base + "_" + std::to_string(suffix))) ++suffix;
    return base + "_" + std::to_string(suffix);
}

bool LayerNames::take(const std::string& name) {
    return taken_.insert(name).second;
}

}  // namespace nnlab
