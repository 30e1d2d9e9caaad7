// BatchNormalization — per-channel normalisation with batch / moving statistics (Keras: layers.BatchNormalization).
#include "nnlab/layers/batch_normalization.hpp"

#include <cmath>
#include <type_traits>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/dist/communicator.hpp"
#include "nnlab/kernels/batch_norm.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/layers/activation.hpp"

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
    if (options_.synchronized) {
        for (Tensor* t : {&local_dgamma_, &local_dbeta_, &correction_scale_, &correction_shift_})
            *t = Tensor(Shape{channels});
    }
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

bool BatchNormalization::fuse_next(Layer& next) {
    auto* activation = dynamic_cast<Activation*>(&next);
    if (activation == nullptr || !batch_norm_fuses(activation->kind()) || options_.synchronized) return false;
    activation->set_done_before(true);
    after_ = FusedActivation(activation->kind());
    fused_ = activation;
    return true;
}

void BatchNormalization::unfuse() {
    if (fused_ != nullptr) fused_->unfuse();
    fused_ = nullptr;
    after_ = FusedActivation(ActivationKind::linear);
}

void BatchNormalization::forward(const Tensor& x, Tensor& y, Mode mode) {
    // A frozen batch norm normalises with its moving statistics and leaves them be (Keras, since TF 2.0).
    const bool frozen = !trainable();
    if (frozen) mode = Mode::inference;
    const auto epsilon = static_cast<float>(options_.epsilon);
    fused_forward_ = false;
    if (mode == Mode::inference) {
        batch_norm_forward_inference(x, scale_values(), shift_values(), moving_mean_.value, moving_variance_.value,
                                     epsilon, y);
        // A frozen layer's backward goes through the activation, which keeps what it reads; inference keeps nothing.
        if (frozen)
            after_.forward(y);
        else
            activation_forward(after_.kind(), y, y);
        return;
    }
    if (fused_ != nullptr) return fused_forward(x, y);
    x_.save(x, precision());
    batch_norm_forward_training(x, scale_values(), shift_values(), epsilon, y, batch_mean_, batch_variance_);
    if (synchronizing(mode)) {
        synchronize_statistics(x.numel() / batch_mean_.numel());
        batch_norm_forward_inference(x, scale_values(), shift_values(), batch_mean_, batch_variance_, epsilon, y);
    }
    moving_average(moving_mean_.value, batch_mean_, options_.momentum);
    moving_average(moving_variance_.value, batch_variance_, options_.momentum);
}

// Under bfloat16 the statistics pass rounds x into the kept copy as it reads it.
template <class Output>
void BatchNormalization::fused_forward(const Tensor& x, Output& y) {
    Bf16Tensor* rounded_x = nullptr;
    if (precision() == Precision::bfloat16)
        rounded_x = &x_.rounded(x.shape());
    else
        x_.save(x, precision());
    batch_norm_activation_forward_training(after_.kind(), x, scale_values(), shift_values(),
                                           static_cast<float>(options_.epsilon), y, batch_mean_, batch_variance_,
                                           rounded_x);
    fused_forward_ = true;
    moving_average(moving_mean_.value, batch_mean_, options_.momentum);
    moving_average(moving_variance_.value, batch_variance_, options_.momentum);
}

bool BatchNormalization::writes_output_rounded() const {
    return fused_ != nullptr && trainable() && precision() == Precision::bfloat16;
}

void BatchNormalization::forward_rounded(const Tensor& x, Bf16Tensor& y, Mode mode) {
    if (!writes_output_rounded() || mode != Mode::training)
        throw Error(error_prefix() + "writes its output in bfloat16 only fused, in training", ErrorKind::failure);
    fused_forward(x, y);
}

Layer::GradientPrecisions BatchNormalization::bfloat16_gradients(GradientPrecisions wanted) const {
    return {.output = false, .input = wanted.input && writes_output_rounded()};
}

void BatchNormalization::backward_to_rounded(const Tensor& dy, Bf16Tensor& dx) {
    if (!bfloat16_gradients({.input = true}).input || !fused_forward_ || !x_.holds_copy())
        throw Error(error_prefix() + "writes dx in bfloat16 only after a fused bfloat16 training forward",
                    ErrorKind::failure);
    unused_grad_.fill(0.0f);
    fused_backward(dy, dx, options_.scale ? gamma_.grad : unused_grad_, options_.center ? beta_.grad : unused_grad_);
}

// From x as it was kept, a bfloat16 copy read as it is: nothing is widened.
template <class InputGradient>
void BatchNormalization::fused_backward(const Tensor& dy, InputGradient& dx, Tensor& dgamma, Tensor& dbeta) {
    const auto epsilon = static_cast<float>(options_.epsilon);
    const Operand& x = x_.kept();
    if (x.precision() == Precision::bfloat16)
        batch_norm_activation_backward(after_.kind(), x.bfloat16(), dy, scale_values(), shift_values(), batch_mean_,
                                       batch_variance_, epsilon, dx, dgamma, dbeta);
    else if constexpr (std::is_same_v<InputGradient, Tensor>)
        batch_norm_activation_backward(after_.kind(), x.float32(), dy, scale_values(), shift_values(), batch_mean_,
                                       batch_variance_, epsilon, dx, dgamma, dbeta);
}

void BatchNormalization::forward_without_rows(Mode mode) {
    if (!synchronizing(mode)) return;
    synchronize_statistics(0);
    moving_average(moving_mean_.value, batch_mean_, options_.momentum);
    moving_average(moving_variance_.value, batch_variance_, options_.momentum);
}

bool BatchNormalization::synchronizing(Mode mode) const {
    return options_.synchronized && trainable() && mode == Mode::training && shard_.communicator != nullptr &&
           shard_.communicator->size() > 1;
}

// Two sums of C + 1 and C values whatever the number of ranks: first the count and Σ n·mean, giving the global
// mean; then Σ n·(variance + (mean − global mean)²), the exact split of the global sum of squares around it, which
// (unlike E[x²] − mean²) does not cancel.
void BatchNormalization::synchronize_statistics(int64_t values) {
    const int64_t channels = batch_mean_.numel();
    const auto n = static_cast<double>(values);
    std::vector<double> sums(static_cast<size_t>(channels) + 1, 0.0);
    sums.back() = n;
    if (values > 0)
        for (int64_t j = 0; j < channels; ++j) sums[static_cast<size_t>(j)] = n * batch_mean_[j];
    shard_.communicator->sum(sums);
    const double total = sums.back();
    if (!(total > 0.0)) throw Error(error_prefix() + "synchronised statistics over an empty batch", ErrorKind::failure);
    std::vector<double> spread(static_cast<size_t>(channels), 0.0);
    for (int64_t j = 0; j < channels; ++j) {
        const auto k = static_cast<size_t>(j);
        sums[k] /= total;
        if (values > 0) {
            const double offset = batch_mean_[j] - sums[k];
            spread[k] = n * (batch_variance_[j] + offset * offset);
        }
    }
    shard_.communicator->sum(spread);
    for (int64_t j = 0; j < channels; ++j) {
        batch_mean_[j] = static_cast<float>(sums[static_cast<size_t>(j)]);
        batch_variance_[j] = static_cast<float>(spread[static_cast<size_t>(j)] / total);
    }
}

void BatchNormalization::backward(const Tensor& dy, Tensor& dx) {
    if (!trainable()) {
        // Through the inference form, a per-channel scale: dx = dz·gamma/√(moving variance + ε), which is that
        // form applied to dz with a zero mean and shift.
        if (!dx.empty()) {
            const Tensor dz = after_.backward(dy);
            batch_norm_forward_inference(dz, scale_values(), zeros_, zeros_, moving_variance_.value,
                                         static_cast<float>(options_.epsilon), dx);
        }
        return;
    }
    if (x_.empty()) throw Error(error_prefix() + "backward needs a training forward first", ErrorKind::failure);
    unused_grad_.fill(0.0f);  // collects what nobody reads; kept from growing without bound
    Tensor& dgamma = options_.scale ? gamma_.grad : unused_grad_;
    Tensor& dbeta = options_.center ? beta_.grad : unused_grad_;
    if (fused_forward_) return fused_backward(dy, dx, dgamma, dbeta);
    const Tensor x = x_.read();
    Tensor* dx_target = &dx;
    if (dx.empty()) {
        if (dx_scratch_.numel() != dy.numel()) dx_scratch_ = Tensor(dy.shape());
        dx_target = &dx_scratch_;
    }
    if (!synchronizing(Mode::training)) {
        batch_norm_backward(x, dy, scale_values(), batch_mean_, batch_variance_, static_cast<float>(options_.epsilon),
                            *dx_target, dgamma, dbeta);
        return;
    }
    local_dgamma_.fill(0.0f);
    local_dbeta_.fill(0.0f);
    batch_norm_backward(x, dy, scale_values(), batch_mean_, batch_variance_, static_cast<float>(options_.epsilon),
                        *dx_target, local_dgamma_, local_dbeta_);
    synchronize_backward(x, dy, *dx_target);
    axpy(1.0f, local_dgamma_, dgamma);
    axpy(1.0f, local_dbeta_, dbeta);
}

void BatchNormalization::backward_without_rows() {
    if (!synchronizing(Mode::training)) return;
    std::vector<double> sums(2 * static_cast<size_t>(batch_mean_.numel()), 0.0);  // this rank adds nothing
    shard_.communicator->sum(sums);
}

// Each rank's loss is the mean over its own rows and the gradient sum weighs it by rows / global rows, so this
// rank's dy is (global rows / rows) times the global loss's. With m this rank's values per channel, a = Σ dy and
// b = Σ dy·x̂ over them, and A, B the same sums over the global batch of the global loss's dy (Σ over ranks of
// a·rows / global rows), the global batch norm's dx, in this rank's scale, is γ/σ·(dy − A/m − x̂·B/m). The local
// backward wrote γ/σ·(dy − a/m − x̂·b/m); the difference is linear in x per channel: dx += x·p + q.
void BatchNormalization::synchronize_backward(const Tensor& x, const Tensor& dy, Tensor& dx) {
    const int64_t channels = batch_mean_.numel();
    const auto c = static_cast<size_t>(channels);
    const double weight = static_cast<double>(shard_.rows) / static_cast<double>(shard_.global_rows);
    std::vector<double> sums(2 * c);
    for (int64_t j = 0; j < channels; ++j) {
        sums[static_cast<size_t>(j)] = weight * local_dbeta_[j];
        sums[c + static_cast<size_t>(j)] = weight * local_dgamma_[j];
    }
    shard_.communicator->sum(sums);
    const auto m = static_cast<double>(dy.numel() / channels);
    const Tensor& gamma = scale_values();
    for (int64_t j = 0; j < channels; ++j) {
        const auto k = static_cast<size_t>(j);
        const double inv_std = 1.0 / std::sqrt(double{batch_variance_[j]} + options_.epsilon);
        const double p = gamma[j] * inv_std * inv_std * (local_dgamma_[j] - sums[c + k]) / m;
        const double q = gamma[j] * inv_std * (local_dbeta_[j] - sums[k]) / m - batch_mean_[j] * p;
        correction_scale_[j] = static_cast<float>(p);
        correction_shift_[j] = static_cast<float>(q);
    }
    add_channel_affine(x, correction_scale_, correction_shift_, dx);
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
    if (options_.synchronized) config["synchronized"] = true;
    return config;
}

}  // namespace nnlab
