// Regularizer — a weight penalty added to the loss (Keras: keras.regularizers L1, L2, L1L2).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "nnlab/config/reader.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

struct Regularizer {
    double l1 = 0.0;
    double l2 = 0.0;

    bool active() const { return l1 != 0.0 || l2 != 0.0; }
    // l1·Σ|w| + l2·Σw², as Keras adds it to the loss.
    double penalty(const Tensor& weights) const;
    // grad += l1·sign(w) + 2·l2·w
    void add_gradient(const Tensor& weights, Tensor& grad) const;
};

// From a description: "l1", "l2" or "l1_l2" (0.01 each, Keras's defaults) or a table {l1 = 1e-5, l2 = 1e-4};
// `value` reads the value itself. Throws config::ConfigError.
Regularizer regularizer_from(const config::Reader& value);
nlohmann::json regularizer_to_json(const Regularizer& regularizer);

}  // namespace nnlab
