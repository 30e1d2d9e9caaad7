// Optimizer — the step over the arenas, the scheduled rate, and make_optimizer
// (Keras: optimizers.Optimizer, optimizers.get).
#include "nnlab/optim/optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/optim/adam.hpp"
#include "nnlab/optim/adamw.hpp"
#include "nnlab/optim/rmsprop.hpp"
#include "nnlab/optim/sgd.hpp"

namespace nnlab {

Optimizer::Optimizer(double learning_rate, double weight_decay) : learning_rate_(learning_rate) {
    if (!(learning_rate > 0.0) || !std::isfinite(learning_rate)) {
        throw KeyError("learning_rate",
                       "learning_rate: expected a number > 0, found " + config::describe(learning_rate));
    }
    set_weight_decay(weight_decay);
}

void Optimizer::set_weight_decay(double weight_decay) {
    if (!(weight_decay >= 0.0) || !std::isfinite(weight_decay)) {
        throw KeyError("weight_decay", "weight_decay: expected a number >= 0, found " + config::describe(weight_decay));
    }
    weight_decay_ = weight_decay;
}

double Optimizer::learning_rate() const {
    return schedule_ ? schedule_(iterations_) : learning_rate_;
}

nlohmann::json Optimizer::config() const {
    nlohmann::json c = hyperparameters();
    if (clipping_.clipnorm) c["clipnorm"] = *clipping_.clipnorm;
    if (clipping_.clipvalue) c["clipvalue"] = *clipping_.clipvalue;
    if (clipping_.global_clipnorm) c["global_clipnorm"] = *clipping_.global_clipnorm;
    if (weight_decay_ > 0.0 && !c.contains("weight_decay")) c["weight_decay"] = weight_decay_;
    if (!groups_.empty()) c["param_groups"] = parameter_groups_description(groups_);
    return c;
}

void Optimizer::set_clipping(GradientClipping clipping) {
    const std::pair<const char*, std::optional<double>> settings[] = {{"clipnorm", clipping.clipnorm},
                                                                      {"clipvalue", clipping.clipvalue},
                                                                      {"global_clipnorm", clipping.global_clipnorm}};
    const char* first = nullptr;
    for (const auto& [key, value] : settings) {
        if (!value) continue;
        if (!(*value > 0.0) || !std::isfinite(*value))
            throw KeyError(key, std::string(key) + ": expected a number > 0, found " + config::describe(*value));
        if (first != nullptr) {
            throw KeyError(key, std::string(key) +
                                    ": only one of clipnorm, clipvalue and global_clipnorm can be set; " + first +
                                    " is set too");
        }
        first = key;
    }
    clipping_ = clipping;
}

void Optimizer::step(Tensor& params, const Tensor& grads) {
    if (params.numel() != grads.numel()) {
        throw Error("optimizer " + name() + ": the parameter arena holds " + std::to_string(params.numel()) +
                        " values but the gradient arena holds " + std::to_string(grads.numel()) +
                        "; they must be the same size",
                    ErrorKind::failure);
    }
    const double rate = learning_rate();
    // A schedule is user code: a negative or non-finite rate would silently wreck every parameter.
    if (!(rate >= 0.0) || !std::isfinite(rate)) {
        throw Error("optimizer " + name() + ": the learning rate for step " + std::to_string(iterations_ + 1) + " is " +
                    shortest(rate) + "; expected a finite number >= 0 (check the learning-rate schedule)");
    }
    check_built(params.numel());
    const Tensor& update = clip(grads);
    const int64_t t = iterations_ + 1;
    if (!runs_.empty() && runs_.back().offset + runs_.back().size != params.numel()) {
        throw Error("optimizer " + name() + ": the parameter groups cover " +
                        std::to_string(runs_.back().offset + runs_.back().size) + " values but the arena holds " +
                        std::to_string(params.numel()),
                    ErrorKind::failure);
    }
    const GroupRun whole{0, params.numel(), -1};  // without groups the arena is one run; no allocation in the step
    for (const GroupRun& run : runs_.empty() ? std::span(&whole, 1) : std::span(runs_)) {
        const ParameterGroup* group = run.group >= 0 ? &groups_[static_cast<size_t>(run.group)] : nullptr;
        // A group past its epochs is left alone, its optimizer state included (PyTorch: requires_grad off).
        if (group != nullptr && group->until_epoch && epoch_ >= *group->until_epoch) continue;
        const double group_rate = group != nullptr ? rate * group->learning_rate_multiplier : rate;
        const double decay = group != nullptr ? group->weight_decay.value_or(weight_decay_) : weight_decay_;
        // Keras's _apply_weight_decay: after clipping, before the update, with this step's rate; p += (−decay)·p.
        Tensor p = part(params, {run.offset, run.size});
        if (decay > 0.0) axpy(-static_cast<float>(decay * group_rate), p, p);
        apply(params, update, group_rate, t, {run.offset, run.size});
    }
    ++iterations_;
}

bool Optimizer::frozen(VariableSpan span) const {
    if (runs_.empty() || span.size <= 0) return false;
    for (const GroupRun& run : runs_) {
        if (run.offset + run.size <= span.offset || run.offset >= span.offset + span.size) continue;
        const ParameterGroup* group = run.group >= 0 ? &groups_[static_cast<size_t>(run.group)] : nullptr;
        if (group == nullptr || !group->until_epoch || epoch_ < *group->until_epoch) return false;
    }
    return true;
}

Tensor Optimizer::part(const Tensor& arena, VariableSpan range) {
    if (arena.numel() == 0) return Tensor();
    // A view for the update kernels; the caller owns the arena and may write through it.
    return Tensor::view_of(const_cast<float*>(arena.data()) + range.offset, Shape{range.size});
}

void Optimizer::set_variables(const std::vector<NamedVariable>& variables, int64_t arena_size) {
    std::vector<VariableSpan> spans;
    for (const NamedVariable& v : variables) spans.push_back({v.offset, v.size});
    runs_ = groups_.empty() ? std::vector<GroupRun>{} : assign_groups(groups_, variables, arena_size);
    spans_ = std::move(spans);
}

void Optimizer::require_state(const Tensor& state, int64_t size) const {
    if (state.numel() != size) {
        throw Error("optimizer " + name() + ": step() over " + std::to_string(size) +
                        " parameters, but build() allocated " + std::to_string(state.numel()) +
                        "; call build() with the parameter count first",
                    ErrorKind::failure);
    }
}

namespace {

// Keras's clip_by_norm / clip_by_global_norm: g · clip / max(norm, clip). A norm within the limit leaves g as it
// is (bit for bit); a non-finite norm scales by nan, as Keras's `scale + (norm − norm)` does, so the loss shows it.
void scale_to_norm(Tensor& g, double limit) {
    const double norm = std::sqrt(sum_of_squares(g));
    if (norm <= limit) return;
    scale(g, static_cast<float>(std::isfinite(norm) ? limit / norm : std::nan("")));
}

}  // namespace

int Optimizer::clipping_copies() const {
    return clipping_.clipnorm || clipping_.clipvalue || clipping_.global_clipnorm ? 1 : 0;
}

const Tensor& Optimizer::clip(const Tensor& grads) {
    const GradientClipping& c = clipping_;
    if (!c.clipnorm && !c.clipvalue && !c.global_clipnorm) return grads;
    const int64_t size = grads.numel();
    if (clipped_.numel() != size) clipped_ = Tensor(Shape{size});
    copy(grads, clipped_);
    const VariableSpan whole{0, size};  // without spans the arena is one variable; no allocation in the step
    const std::span<const VariableSpan> spans = spans_.empty() ? std::span(&whole, 1) : std::span(spans_);
    for (const VariableSpan& s : spans) {
        if (s.offset < 0 || s.size < 0 || s.offset + s.size > size) {
            throw Error("optimizer " + name() + ": a variable spans [" + std::to_string(s.offset) + ", " +
                            std::to_string(s.offset + s.size) + ") but the gradient arena holds " +
                            std::to_string(size) + " values",
                        ErrorKind::failure);
        }
    }
    if (c.clipvalue) {
        clip_values(clipped_, static_cast<float>(*c.clipvalue));
    } else if (c.clipnorm) {
        for (const VariableSpan& s : spans) {
            Tensor variable = Tensor::view_of(clipped_.data() + s.offset, Shape{s.size});
            scale_to_norm(variable, *c.clipnorm);
        }
    } else {
        // Padding between the variables holds zero gradients, so the whole arena's norm is the variables' norm;
        // it is scaled whole, padding included (zero stays zero).
        scale_to_norm(clipped_, *c.global_clipnorm);
    }
    return clipped_;
}

namespace {

// Reads a hyperparameter within its range, or leaves the default; errors name the key and the range.
void read_positive(const config::Reader& d, const char* key, double& out) {
    out = d.number(
               key, [](double v) { return v > 0.0; }, "a number > 0")
              .value_or(out);
}
void read_unit_interval(const config::Reader& d, const char* key, double& out) {
    out = d.number(
               key, [](double v) { return v >= 0.0 && v < 1.0; }, "a number in [0, 1)")
              .value_or(out);
}
void read_flag(const config::Reader& d, const char* key, bool& out) {
    out = d.boolean(key).value_or(out);
}

// Every optimizer takes these (Keras 3: base Optimizer arguments).
const std::vector<std::string> clipping_keys = {"clipnorm", "clipvalue", "global_clipnorm", "weight_decay",
                                                "param_groups"};

std::vector<std::string> with_clipping(std::vector<std::string> keys) {
    keys.insert(keys.end(), clipping_keys.begin(), clipping_keys.end());
    return keys;
}

// The optimizer built by `make`, with the clipping the description asks for.
template <class Make>
OptimizerRegistry::Factory with_clipping_from(Make make) {
    return [make](const config::Reader& d) -> std::unique_ptr<Optimizer> {
        GradientClipping clipping;
        for (const auto& [key, target] : {std::pair{"clipnorm", &clipping.clipnorm},
                                          {"clipvalue", &clipping.clipvalue},
                                          {"global_clipnorm", &clipping.global_clipnorm}}) {
            *target = d.number(
                key, [](double v) { return v > 0.0; }, "a number > 0");
        }
        const std::optional<double> weight_decay = d.number(
            "weight_decay", [](double v) { return v >= 0.0; }, "a number >= 0");
        std::vector<ParameterGroup> groups = parameter_groups_from(d);
        std::unique_ptr<Optimizer> optimizer = make(d);
        optimizer->set_parameter_groups(std::move(groups));
        optimizer->set_clipping(clipping);
        if (weight_decay) optimizer->set_weight_decay(*weight_decay);  // else the optimizer's own default
        return optimizer;
    };
}

void register_builtin_optimizers(OptimizerRegistry& registry) {
    registry.add({"sgd",
                  with_clipping({"learning_rate", "momentum", "nesterov"}),
                  with_clipping_from([](const config::Reader& d) {
                      SGDOptions o;
                      read_positive(d, "learning_rate", o.learning_rate);
                      read_unit_interval(d, "momentum", o.momentum);
                      read_flag(d, "nesterov", o.nesterov);
                      return std::make_unique<SGD>(o);
                  }),
                  {"SGD"}});
    registry.add({"rmsprop",
                  with_clipping({"learning_rate", "rho", "momentum", "epsilon", "centered"}),
                  with_clipping_from([](const config::Reader& d) {
                      RMSpropOptions o;
                      read_positive(d, "learning_rate", o.learning_rate);
                      read_unit_interval(d, "rho", o.rho);
                      read_unit_interval(d, "momentum", o.momentum);
                      read_positive(d, "epsilon", o.epsilon);
                      read_flag(d, "centered", o.centered);
                      return std::make_unique<RMSprop>(o);
                  }),
                  {"RMSprop"}});
    registry.add({"adam",
                  with_clipping({"learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad"}),
                  with_clipping_from([](const config::Reader& d) {
                      AdamOptions o;
                      read_positive(d, "learning_rate", o.learning_rate);
                      read_unit_interval(d, "beta_1", o.beta_1);
                      read_unit_interval(d, "beta_2", o.beta_2);
                      read_positive(d, "epsilon", o.epsilon);
                      read_flag(d, "amsgrad", o.amsgrad);
                      return std::make_unique<Adam>(o);
                  }),
                  {"Adam"}});
    registry.add({"adamw",
                  with_clipping({"learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad"}),
                  with_clipping_from([](const config::Reader& d) {
                      AdamWOptions o;
                      read_positive(d, "learning_rate", o.learning_rate);
                      read_unit_interval(d, "beta_1", o.beta_1);
                      read_unit_interval(d, "beta_2", o.beta_2);
                      read_positive(d, "epsilon", o.epsilon);
                      read_flag(d, "amsgrad", o.amsgrad);
                      return std::make_unique<AdamW>(o);
                  }),
                  {"AdamW"}});
}

}  // namespace

OptimizerRegistry& optimizer_registry() {
    static OptimizerRegistry registry("optimizer");
    static const bool registered = (register_builtin_optimizers(registry), true);
    (void)registered;
    return registry;
}

std::unique_ptr<Optimizer> optimizer_from(const config::Reader& description) {
    return optimizer_registry().make(description);
}

std::unique_ptr<Optimizer> make_optimizer(const nlohmann::json& description) {
    return optimizer_from(config::Reader(description));
}

}  // namespace nnlab
