// Adam — adaptive moment estimation with bias correction, optionally AMSGrad (Keras: optimizers.Adam).
#pragma once

#include "nnlab/optim/optimizer.hpp"

namespace nnlab {

// Keras's defaults. make_optimizer checks the ranges; these constructors trust them.
struct AdamOptions {
    double learning_rate = 0.001;  // > 0
    double beta_1 = 0.9;           // in [0, 1): decay of the first moment (mean of g)
    double beta_2 = 0.999;         // in [0, 1): decay of the second moment (mean of g²)
    double epsilon = 1e-7;         // > 0; Kingma & Ba's "epsilon hat", added to √v
    bool amsgrad = false;          // divide by the running maximum of v (Reddi et al., 2018)
    double weight_decay = 0.0;     // >= 0; decoupled, p −= p·weight_decay·lr before each step (Optimizer)
};

class Adam : public Optimizer {
public:
    explicit Adam(AdamOptions options = {});
    explicit Adam(double learning_rate) : Adam(AdamOptions{.learning_rate = learning_rate}) {}

    std::string name() const override { return "adam"; }
    void build(int64_t size) override;
    int state_copies() const override { return 2 + (options_.amsgrad ? 1 : 0) + clipping_copies(); }
    std::vector<std::pair<std::string, Tensor*>> state_tensors() override {
        return {{"momentum", &momentum_}, {"velocity", &velocity_}, {"velocity_hat", &velocity_hat_}};
    }

protected:
    nlohmann::json hyperparameters() const override;
    void apply(Tensor& params, const Tensor& grads, double learning_rate, int64_t t, VariableSpan range) override;
    void check_built(int64_t size) const override;

private:
    AdamOptions options_;
    Tensor momentum_;      // (size): m, the first moment
    Tensor velocity_;      // (size): v, the second moment
    Tensor velocity_hat_;  // (size); only with amsgrad: max over steps of v
};

}  // namespace nnlab
