// Regularizer — a weight penalty added to the loss (Keras: keras.regularizers L1, L2, L1L2).
#include "nnlab/layers/regularizer.hpp"

#include <cmath>

#include "nnlab/core/error.hpp"

namespace nnlab {

double Regularizer::penalty(const Tensor& weights) const {
    double abs_sum = 0.0, square_sum = 0.0;
    for (float w : weights.values()) {
        abs_sum += std::abs(double{w});
        square_sum += double{w} * w;
    }
    return l1 * abs_sum + l2 * square_sum;
}

void Regularizer::add_gradient(const Tensor& weights, Tensor& grad) const {
    const auto a = static_cast<float>(l1), b = static_cast<float>(2.0 * l2);
    const float* w = weights.data();
    float* g = grad.data();
    for (int64_t i = 0; i < weights.numel(); ++i) g[i] += a * static_cast<float>((w[i] > 0) - (w[i] < 0)) + b * w[i];
}

Regularizer regularizer_from_json(const std::string& key, const nlohmann::json& value) {
    Regularizer r;
    if (value.is_string()) {
        const std::string name = value.get<std::string>();
        if (name == "l1") {
            r.l1 = 0.01;
        } else if (name == "l2") {
            r.l2 = 0.01;
        } else if (name == "l1_l2") {
            r.l1 = r.l2 = 0.01;
        } else {
            throw KeyError(key, key + ": unknown regularizer '" + name +
                                    "'; expected l1, l2, l1_l2 or a table such as {l2 = 1e-4}");
        }
        return r;
    }
    if (!value.is_object()) {
        throw KeyError(key, key + ": expected l1, l2, l1_l2 or a table such as {l2 = 1e-4}, got " + value.dump());
    }
    for (const auto& [field, amount] : value.items()) {
        if (field != "l1" && field != "l2")
            throw KeyError(key, key + ": unknown key '" + field + "'; expected l1 or l2");
        if (!amount.is_number() || amount.get<double>() < 0 || !std::isfinite(amount.get<double>()))
            throw KeyError(key, key + "." + field + ": expected a non-negative number, got " + amount.dump());
        (field == "l1" ? r.l1 : r.l2) = amount.get<double>();
    }
    return r;
}

nlohmann::json regularizer_to_json(const Regularizer& r) {
    nlohmann::json table = nlohmann::json::object();
    if (r.l1 != 0.0) table["l1"] = r.l1;
    if (r.l2 != 0.0) table["l2"] = r.l2;
    return table;
}

}  // namespace nnlab
