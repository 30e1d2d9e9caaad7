// Layer — the interface every layer implements (Keras: keras.layers.Layer).
#include "nnlab/layers/layer.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include "nnlab/core/error.hpp"

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

std::string unique_layer_name(const std::string& type, const std::vector<std::string>& taken) {
    const std::string base = snake_case(type);
    auto is_taken = [&](const std::string& name) { return std::ranges::find(taken, name) != taken.end(); };
    if (!is_taken(base)) return base;
    for (int i = 1;; ++i)
        if (!is_taken(base + "_" + std::to_string(i))) return base + "_" + std::to_string(i);
}

void Layer::backward_from_logits(const Tensor&, Tensor&) {
    throw Error(error_prefix() + "does not end in softmax; cannot take a gradient with respect to logits",
                ErrorKind::failure);
}

std::string Layer::error_prefix() const {
    return "layer " + name_ + " (" + type() + "): ";
}

}  // namespace nnlab
