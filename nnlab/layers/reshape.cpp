// Reshape — the same values in another shape (Keras: layers.Reshape).
#include "nnlab/layers/reshape.hpp"

#include <algorithm>
#include <string>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

std::string shape_text(const std::vector<int64_t>& dims) {
    std::string text = "(";
    for (size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
    return text + (dims.size() == 1 ? ",)" : ")");
}

}  // namespace

Reshape::Reshape(std::vector<int64_t> target_shape) : target_shape_(std::move(target_shape)) {
    const auto unknowns = std::ranges::count(target_shape_, -1);
    const bool sizes_ok = std::ranges::all_of(target_shape_, [](int64_t d) { return d > 0 || d == -1; });
    if (target_shape_.empty() || unknowns > 1 || !sizes_ok) {
        throw KeyError("target_shape", "target_shape: expected positive sizes with at most one -1 (inferred), found " +
                                           shape_text(target_shape_));
    }
}

Shape Reshape::build(const Shape& input) {
    if (input.rank() < 2) {
        throw Error(error_prefix() + "expected an input with a batch axis and at least one more, found " +
                    input.to_string());
    }
    const int64_t size = input.sample_size();
    std::vector<int64_t> known_dims;
    std::ranges::copy_if(target_shape_, std::back_inserter(known_dims), [](int64_t d) { return d != -1; });
    const int64_t known = Shape(known_dims).numel();  // checked: the sizes' product may not fit
    std::vector<int64_t> dims{input[0]};
    const bool infer = std::ranges::count(target_shape_, -1) == 1;
    for (int64_t d : target_shape_) dims.push_back(d == -1 ? size / known : d);
    if (infer ? size % known != 0 : known != size) {
        throw Error(error_prefix() + "cannot reshape " + input.to_string() + " (" + std::to_string(size) +
                    " values per sample) to target_shape " + shape_text(target_shape_) +
                    "; the sizes must multiply to the same count");
    }
    return Shape(std::move(dims));
}

// Memory is already in row-major order: both directions are plain copies.
void Reshape::forward(const Tensor& x, Tensor& y, Mode) {
    std::copy_n(x.data(), x.numel(), y.data());
}

void Reshape::backward(const Tensor& dy, Tensor& dx) {
    if (!dx.empty()) std::copy_n(dy.data(), dy.numel(), dx.data());
}

nlohmann::json Reshape::config() const {
    return {{"target_shape", target_shape_}};
}

}  // namespace nnlab
