// BatchNormalization — per-channel normalisation with batch / moving statistics (Keras: layers.BatchNormalization).
#include "nnlab/layers/batch_normalization.hpp"

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

Param channel_param(std::string name, int64_t channels, const Initializer& initializer, bool trainable,
                    const Regularizer& regularizer = {}) {
    Param p;
    p.name = std::move(name);
    p.shape = Shape{channels};
    p.initializer = initializer;
    p.trainable = trainable;
    p.regularizer = regularizer;
    return p;
}

nlohmann::json initializer_if_changed(const Initializer& initializer, const char* default_name) {
    const nlohmann::json json = initializer_to_json(initializer);
    return json.is_string() && json.get<std::string>() == default_name ? nlohmann::json() : json;
}

}  // namespace

BatchNormalization::BatchNormalization(BatchNormalizationOptions options) : options_(std::move(options)) {
    if (!(options_.momentum >= 0.0 && options_.momentum <= 1.0)) {
        throw KeyError("momentum", "momentum: expected a number in [0, 1], found " + std::to_string(options_.momentum));
    }
    if (!(options_.epsilon > 0.0)) {
        throw KeyError("epsilon", "epsilon: expected a positive number, found " + std::to_string(options_.epsilon));
    }
}

Shape BatchNormalization::build(const Shape& input) {
    const int rank = input.rank();
    if (rank < 2) {
        throw Error(error_prefix() + "expected input (batch, …, channels), found " + input.to_string());
    }
    const int axis = options_.axis < 0 ? options_.axis + rank : options_.axis;
    if (axis != rank - 1) {
        throw KeyError("axis", error_prefix() + "axis " + std::to_string(options_.axis) +
                                   " is not supported; only the last (channels) axis, -1, is, and the input is " +
                                   input.to_string());
    }
    const int64_t channels = input[rank - 1];
    gamma_ = channel_param("gamma", channels, options_.gamma_initializer, true, options_.gamma_regularizer);
    beta_ = channel_param("beta", channels, options_.beta_initializer, true, options_.beta_regularizer);
    moving_mean_ = channel_param("moving_mean", channels, options_.moving_mean_initializer, false);
    moving_variance_ = channel_param("moving_variance", channels, options_.moving_variance_initializer, false);
    ones_ = Tensor(Shape{channels});
    ones_.fill(1.0f);
    zeros_ = Tensor(Shape{channels});
    batch_mean_ = Tensor(Shape{channels});
    batch_variance_ = Tensor(Shape{channels});
    unused_grad_ = Tensor(Shape{channels});
    return input;
}

std::vector<Param*> BatchNormalization::params() {
    std::vector<Param*> params;
    if (options_.scale) params.push_back(&gamma_);
    if (options_.center) params.push_back(&beta_);
    params.push_back(&moving_mean_);
    params.push_back(&moving_variance_);
    return params;
}

void BatchNormalization::forward(const Tensor& x, Tensor& y, Mode mode) {
    // A frozen batch norm normalises with its moving statistics and leaves them be (Keras, since TF 2.0).
    if (!trainable()) mode = Mode::inference;
    const auto epsilon = static_cast<float>(options_.epsilon);
    if (mode == Mode::inference) {
        batch_norm_forward_inference(x, scale_values(), shift_values(), moving_mean_.value, moving_variance_.value,
                                     epsilon, y);
        return;
    }
    x_ = x.view();
    batch_norm_forward_training(x, scale_values(), shift_values(), epsilon, y, batch_mean_, batch_variance_);
    moving_average(moving_mean_.value, batch_mean_, options_.momentum);
    moving_average(moving_variance_.value, batch_variance_, options_.momentum);
}

void BatchNormalization::backward(const Tensor& dy, Tensor& dx) {
    if (!trainable()) {
        // Through the inference form, a per-channel scale: dx = dy·gamma/√(moving variance + ε), which is that
        // form applied to dy with a zero mean and shift.
        if (!dx.empty()) {
            batch_norm_forward_inference(dy, scale_values(), zeros_, zeros_, moving_variance_.value,
                                         static_cast<float>(options_.epsilon), dx);
        }
        return;
    }
    if (x_.empty()) throw Error(error_prefix() + "backward needs a training forward first", ErrorKind::failure);
    unused_grad_.fill(0.0f);  // collects what nobody reads; kept from growing without bound
    Tensor& dgamma = options_.scale ? gamma_.grad : unused_grad_;
    Tensor& dbeta = options_.center ? beta_.grad : unused_grad_;
    Tensor* dx_target = &dx;
    if (dx.empty()) {
        if (dx_scratch_.numel() != dy.numel()) dx_scratch_ = Tensor(dy.shape());
        dx_target = &dx_scratch_;
    }
    batch_norm_backward(x_, dy, scale_values(), batch_mean_, batch_variance_, static_cast<float>(options_.epsilon),
                        *dx_target, dgamma, dbeta);
}

nlohmann::json BatchNormalization::config() const {
    nlohmann::json config{{"axis", options_.axis},
                          {"momentum", options_.momentum},
                          {"epsilon", options_.epsilon},
                          {"center", options_.center},
                          {"scale", options_.scale}};
    const std::pair<const char*, nlohmann::json> initializers[] = {
        {"beta_initializer", initializer_if_changed(options_.beta_initializer, "zeros")},
        {"gamma_initializer", initializer_if_changed(options_.gamma_initializer, "ones")},
        {"moving_mean_initializer", initializer_if_changed(options_.moving_mean_initializer, "zeros")},
        {"moving_variance_initializer", initializer_if_changed(options_.moving_variance_initializer, "ones")},
    };
    for (const auto& [key, value] : initializers)
        if (!value.is_null()) config[key] = value;
    if (options_.beta_regularizer.active()) config["beta_regularizer"] = regularizer_to_json(options_.beta_regularizer);
    if (options_.gamma_regularizer.active())
        config["gamma_regularizer"] = regularizer_to_json(options_.gamma_regularizer);
    return config;
}

}  // namespace nnlab
