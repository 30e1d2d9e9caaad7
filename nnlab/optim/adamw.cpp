// AdamW — Adam whose weight decay (Optimizer::set_weight_decay) defaults to 0.004 (Keras: optimizers.AdamW).
#include "nnlab/optim/adamw.hpp"

namespace nnlab {

AdamW::AdamW(AdamWOptions options)
    : Adam(AdamOptions{.learning_rate = options.learning_rate,
                       .beta_1 = options.beta_1,
                       .beta_2 = options.beta_2,
                       .epsilon = options.epsilon,
                       .amsgrad = options.amsgrad,
                       .weight_decay = options.weight_decay}) {}

nlohmann::json AdamW::hyperparameters() const {
    nlohmann::json c = Adam::hyperparameters();
    c["weight_decay"] = weight_decay();  // always, as AdamW's defining setting
    return c;
}

}  // namespace nnlab
