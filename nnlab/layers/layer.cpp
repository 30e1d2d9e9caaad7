// Layer — the interface every layer implements (Keras: keras.layers.Layer).
#include "nnlab/layers/layer.hpp"

#include <algorithm>
#include <cctype>

#include "nnlab/core/error.hpp"

namespace nnlab {

namespace {

std::string snake_case(const std::string& type) {
    std::string name;
    for (size_t i = 0; i < type.size(); ++i) {
        const char c = type[i];
        if (std::isupper(static_cast<unsigned char>(c))) {
            if (i > 0 && !std::isupper(static_cast<unsigned char>(type[i - 1]))) name += '_';
            name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else {
            name += c;
        }
    }
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
