// SGD — gradient descent with optional momentum or Nesterov momentum (Keras: optimizers.SGD).
#pragma once

#include "nnlab/optim/optimizer.hpp"

namespace nnlab {

// Keras's defaults. make_optimizer checks the ranges; these constructors trust them.
struct SGDOptions {
    double learning_rate = 0.01;  // > 0
    double momentum = 0.0;        // in [0, 1); 0 is plain gradient descent
    bool nesterov = false;        // look ahead along the velocity (only matters when momentum > 0)
    double weight_decay = 0.0;    // >= 0; decoupled, p −= p·weight_decay·lr before each step (Optimizer)
};

class SGD final : public Optimizer {
public:
    explicit SGD(SGDOptions options = {});
    explicit SGD(double learning_rate) : SGD(SGDOptions{.learning_rate = learning_rate}) {}

    std::string name() const override { return "sgd"; }
    void build(int64_t size) override;
    int state_copies() const override { return (options_.momentum > 0.0 ? 1 : 0) + clipping_copies(); }
    std::vector<std::pair<std::string, Tensor*>> state_tensors() override { return {{"velocity", &velocity_}}; }

protected:
    nlohmann::json hyperparameters() const override;
    void check_built(int64_t size) const override;
    void apply(Tensor& params, const Tensor& grads, double learning_rate, int64_t t, VariableSpan range) override;

private:
    SGDOptions options_;
    Tensor velocity_;  // (size); only when momentum > 0, as Keras allocates it
};

}  // namespace nnlab
