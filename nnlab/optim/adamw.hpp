// AdamW — Adam with decoupled weight decay on by default: p −= p·weight_decay·lr before each Adam step. Every
// optimizer can decay so (Optimizer::set_weight_decay, as in Keras 3); AdamW only defaults it to 0.004
// (Keras: optimizers.AdamW).
#pragma once

#include "nnlab/optim/adam.hpp"

namespace nnlab {

// Keras's defaults. make_optimizer checks the ranges; these constructors trust them.
struct AdamWOptions {
    double learning_rate = 0.001;  // > 0
    double weight_decay = 0.004;   // >= 0; scaled by the learning rate of the step, as Keras does
    double beta_1 = 0.9;           // in [0, 1)
    double beta_2 = 0.999;         // in [0, 1)
    double epsilon = 1e-7;         // > 0
    bool amsgrad = false;
};

class AdamW final : public Adam {
public:
    explicit AdamW(AdamWOptions options = {});
    explicit AdamW(double learning_rate) : AdamW(AdamWOptions{.learning_rate = learning_rate}) {}

    std::string name() const override { return "adamw"; }

protected:
    nlohmann::json hyperparameters() const override;
};

}  // namespace nnlab
