// RMSprop — divides the gradient by a running root-mean-square of past gradients (Keras: optimizers.RMSprop).
#pragma once

#include "nnlab/optim/optimizer.hpp"

namespace nnlab {

// Keras's defaults. make_optimizer checks the ranges; these constructors trust them.
struct RMSpropOptions {
    double learning_rate = 0.001;  // > 0
    double rho = 0.9;              // in [0, 1): decay of the running mean of g²
    double momentum = 0.0;         // in [0, 1); 0 applies each increment directly
    double epsilon = 1e-7;         // > 0; added under the square root, as Keras does
    bool centered = false;         // divide by an estimate of the variance of g instead of its second moment
    double weight_decay = 0.0;     // >= 0; decoupled, p −= p·weight_decay·lr before each step (Optimizer)
};

class RMSprop final : public Optimizer {
public:
    explicit RMSprop(RMSpropOptions options = {});
    explicit RMSprop(double learning_rate) : RMSprop(RMSpropOptions{.learning_rate = learning_rate}) {}

    std::string name() const override { return "rmsprop"; }
    void build(int64_t size) override;
    int state_copies() const override {
        return 1 + (options_.momentum > 0.0 ? 1 : 0) + (options_.centered ? 1 : 0) + clipping_copies();
    }
    std::vector<std::pair<std::string, Tensor*>> state_tensors() override {
        return {{"velocity", &velocity_}, {"momentum", &momentum_}, {"average_gradient", &average_gradient_}};
    }

protected:
    nlohmann::json hyperparameters() const override;
    void check_built(int64_t size) const override;
    void apply(Tensor& params, const Tensor& grads, double learning_rate, int64_t t, VariableSpan range) override;

private:
    RMSpropOptions options_;
    Tensor velocity_;          // (size): running mean of g²
    Tensor momentum_;          // (size); only when momentum > 0
    Tensor average_gradient_;  // (size); only when centered
};

}  // namespace nnlab
