// Optimizer — the step over the arenas, the scheduled rate, and make_optimizer
// (Keras: optimizers.Optimizer, optimizers.get).
#include "nnlab/optim/optimizer.hpp"

#include <cmath>
#include <functional>
#include <string_view>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/optim/adam.hpp"
#include "nnlab/optim/adamw.hpp"
#include "nnlab/optim/rmsprop.hpp"
#include "nnlab/optim/sgd.hpp"

namespace nnlab {
namespace {

// Shortest round-trip text of a number ("0.001", not "0.001000"), the way a user wrote it; JSON has no
// text for nan or inf, so those are spelled out.
std::string show(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    return nlohmann::json(value).dump();
}

}  // namespace

Optimizer::Optimizer(double learning_rate) : learning_rate_(learning_rate) {
    if (!(learning_rate > 0.0) || !std::isfinite(learning_rate)) {
        throw KeyError("learning_rate", "learning_rate: expected a number > 0, got " + show(learning_rate));
    }
}

double Optimizer::learning_rate() const {
    return schedule_ ? schedule_(iterations_) : learning_rate_;
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
                    show(rate) + "; expected a finite number >= 0 (check the learning-rate schedule)");
    }
    apply(params.data(), grads.data(), params.numel(), rate, iterations_ + 1);
    ++iterations_;
}

namespace {

// What a hyperparameter may hold; the text is what an error says was expected.
enum class Rule { positive, unit_interval, non_negative, boolean };

std::string expected(Rule rule) {
    switch (rule) {
        case Rule::positive:
            return "a number > 0";
        case Rule::unit_interval:
            return "a number in [0, 1)";
        case Rule::non_negative:
            return "a number >= 0";
        case Rule::boolean:
            return "true or false";
    }
    return "";
}

bool satisfies(const nlohmann::json& value, Rule rule) {
    if (rule == Rule::boolean) return value.is_boolean();
    if (!value.is_number()) return false;
    const double v = value.get<double>();
    switch (rule) {
        case Rule::positive:
            return v > 0.0 && std::isfinite(v);
        case Rule::unit_interval:
            return v >= 0.0 && v < 1.0;
        case Rule::non_negative:
            return v >= 0.0 && std::isfinite(v);
        case Rule::boolean:
            break;
    }
    return false;
}

struct Key {
    std::string_view name;
    Rule rule;
};

// A config whose keys are all known and valid; reads fall back to the options' defaults.
class Checked {
public:
    explicit Checked(const nlohmann::json& config) : config_(config) {}
    void read(std::string_view key, double& out) const { read_as(key, out); }
    void read(std::string_view key, bool& out) const { read_as(key, out); }

private:
    template <class T>
    void read_as(std::string_view key, T& out) const {
        const auto it = config_.find(std::string(key));
        if (it != config_.end()) out = it->template get<T>();
    }
    const nlohmann::json& config_;
};

struct Kind {
    std::string_view type;
    std::vector<Key> keys;
    std::function<std::unique_ptr<Optimizer>(const Checked&)> make;
};

const std::vector<Kind>& kinds() {
    static const std::vector<Kind> all = {
        {"sgd",
         {{"learning_rate", Rule::positive}, {"momentum", Rule::unit_interval}, {"nesterov", Rule::boolean}},
         [](const Checked& c) {
             SGDOptions o;
             c.read("learning_rate", o.learning_rate);
             c.read("momentum", o.momentum);
             c.read("nesterov", o.nesterov);
             return std::unique_ptr<Optimizer>(std::make_unique<SGD>(o));
         }},
        {"rmsprop",
         {{"learning_rate", Rule::positive},
          {"rho", Rule::unit_interval},
          {"momentum", Rule::unit_interval},
          {"epsilon", Rule::positive},
          {"centered", Rule::boolean}},
         [](const Checked& c) {
             RMSpropOptions o;
             c.read("learning_rate", o.learning_rate);
             c.read("rho", o.rho);
             c.read("momentum", o.momentum);
             c.read("epsilon", o.epsilon);
             c.read("centered", o.centered);
             return std::unique_ptr<Optimizer>(std::make_unique<RMSprop>(o));
         }},
        {"adam",
         {{"learning_rate", Rule::positive},
          {"beta_1", Rule::unit_interval},
          {"beta_2", Rule::unit_interval},
          {"epsilon", Rule::positive},
          {"amsgrad", Rule::boolean}},
         [](const Checked& c) {
             AdamOptions o;
             c.read("learning_rate", o.learning_rate);
             c.read("beta_1", o.beta_1);
             c.read("beta_2", o.beta_2);
             c.read("epsilon", o.epsilon);
             c.read("amsgrad", o.amsgrad);
             return std::unique_ptr<Optimizer>(std::make_unique<Adam>(o));
         }},
        {"adamw",
         {{"learning_rate", Rule::positive},
          {"weight_decay", Rule::non_negative},
          {"beta_1", Rule::unit_interval},
          {"beta_2", Rule::unit_interval},
          {"epsilon", Rule::positive},
          {"amsgrad", Rule::boolean}},
         [](const Checked& c) {
             AdamWOptions o;
             c.read("learning_rate", o.learning_rate);
             c.read("weight_decay", o.weight_decay);
             c.read("beta_1", o.beta_1);
             c.read("beta_2", o.beta_2);
             c.read("epsilon", o.epsilon);
             c.read("amsgrad", o.amsgrad);
             return std::unique_ptr<Optimizer>(std::make_unique<AdamW>(o));
         }},
    };
    return all;
}

template <class Items, class Name>
std::string join(const Items& items, Name name) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ", ") + std::string(name(item));
    return text;
}

const Kind& kind_of(const nlohmann::json& config) {
    const std::string known = join(kinds(), [](const Kind& k) { return k.type; });
    const auto type = config.find("type");
    if (type == config.end()) throw KeyError("type", "type: missing; expected one of " + known);
    if (!type->is_string()) {
        throw KeyError("type", "type: expected a string, one of " + known + "; got " + type->dump());
    }
    for (const Kind& kind : kinds()) {
        if (kind.type == type->get<std::string>()) return kind;
    }
    throw KeyError("type", "type: unknown optimizer '" + type->get<std::string>() + "'; expected one of " + known);
}

}  // namespace

std::unique_ptr<Optimizer> make_optimizer(const nlohmann::json& config) {
    if (!config.is_object()) {
        throw Error("optimizer: expected an object such as {\"type\": \"adam\", \"learning_rate\": 0.001}, got " +
                    config.dump());
    }
    const Kind& kind = kind_of(config);
    for (const auto& [key, value] : config.items()) {
        if (key == "type") continue;
        const Key* spec = nullptr;
        for (const Key& k : kind.keys) {
            if (k.name == key) spec = &k;
        }
        if (spec == nullptr) {
            throw KeyError(key, "unknown key '" + key + "' for optimizer " + std::string(kind.type) +
                                    "; expected one of " + join(kind.keys, [](const Key& k) { return k.name; }));
        }
        if (!satisfies(value, spec->rule)) {
            throw KeyError(key, key + ": expected " + expected(spec->rule) + ", got " + value.dump());
        }
    }
    return kind.make(Checked(config));
}

}  // namespace nnlab
