// Regularizer — a weight penalty added to the loss (Keras: keras.regularizers L1, L2, L1L2).
#include "nnlab/layers/regularizer.hpp"

#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {

double Regularizer::penalty(const Tensor& weights) const {
    return l1_l2_penalty(weights, l1, l2);
}

void Regularizer::add_gradient(const Tensor& weights, Tensor& grad) const {
    add_l1_l2_gradient(weights, grad, l1, l2);
}

Regularizer regularizer_from(const config::Reader& value) {
    const std::string expected = "l1, l2, l1_l2 or a table such as {l2 = 1e-4}";
    Regularizer r;
    if (value.value().is_string()) {
        const std::string name = value.value().get<std::string>();
        if (name == "l1") {
            r.l1 = 0.01;
        } else if (name == "l2") {
            r.l2 = 0.01;
        } else if (name == "l1_l2") {
            r.l1 = r.l2 = 0.01;
        } else {
            value.fail("", "unknown regularizer '" + name + "'; expected " + expected);
        }
        return r;
    }
    if (!value.is_table()) value.wrong_type("", expected);
    value.reject_unknown({"l1", "l2"});
    for (const char* key : {"l1", "l2"}) {
        const double amount = value.number(key).value_or(0.0);
        if (amount < 0) value.fail(key, "expected a number >= 0, found " + config::describe(amount));
        (key[1] == '1' ? r.l1 : r.l2) = amount;
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
