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

nlohmann::json Optimizer::config() const {
    nlohmann::json c = hyperparameters();
    if (clipping_.clipnorm) c["clipnorm"] = *clipping_.clipnorm;
    if (clipping_.clipvalue) c["clipvalue"] = *clipping_.clipvalue;
    if (clipping_.global_clipnorm) c["global_clipnorm"] = *clipping_.global_clipnorm;
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
            throw KeyError(key, std::string(key) + ": expected a number > 0, got " + show(*value));
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
                    show(rate) + "; expected a finite number >= 0 (check the learning-rate schedule)");
    }
    apply(params.data(), clip(grads), params.numel(), rate, iterations_ + 1);
    ++iterations_;
}

namespace {

// Below this many values, waking the OpenMP team costs more than the loop.
constexpr int64_t parallel_threshold = int64_t{1} << 15;

double sum_of_squares(const float* g, int64_t size) {
    double sum = 0.0;
#pragma omp parallel for simd reduction(+ : sum) schedule(static) if (size >= parallel_threshold)
    for (int64_t i = 0; i < size; ++i) sum += double{g[i]} * double{g[i]};
    return sum;
}

// Keras's clip_by_norm / clip_by_global_norm: g · clip / max(norm, clip). A norm within the limit leaves g as it
// is (bit for bit); a non-finite norm scales by nan, as Keras's `scale + (norm − norm)` does, so the loss shows it.
void scale_to_norm(float* g, int64_t size, double norm, double limit) {
    if (norm <= limit) return;
    const auto scale = static_cast<float>(std::isfinite(norm) ? limit / norm : std::nan(""));
#pragma omp parallel for simd schedule(static) if (size >= parallel_threshold)
    for (int64_t i = 0; i < size; ++i) g[i] *= scale;
}

}  // namespace

const float* Optimizer::clip(const Tensor& grads) {
    const GradientClipping& c = clipping_;
    if (!c.clipnorm && !c.clipvalue && !c.global_clipnorm) return grads.data();
    const int64_t size = grads.numel();
    if (clipped_.numel() != size) clipped_ = Tensor(Shape{size});
    float* g = clipped_.data();
    std::copy_n(grads.data(), size, g);
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
        const auto limit = static_cast<float>(*c.clipvalue);
#pragma omp parallel for simd schedule(static) if (size >= parallel_threshold)
        for (int64_t i = 0; i < size; ++i) g[i] = std::clamp(g[i], -limit, limit);
    } else if (c.clipnorm) {
        for (const VariableSpan& s : spans)
            scale_to_norm(g + s.offset, s.size, std::sqrt(sum_of_squares(g + s.offset, s.size)), *c.clipnorm);
    } else {
        // Padding between the variables holds zero gradients, so the whole arena's norm is the variables' norm;
        // it is scaled whole, padding included (zero stays zero).
        scale_to_norm(g, size, std::sqrt(sum_of_squares(g, size)), *c.global_clipnorm);
    }
    return g;
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

// Every optimizer takes these (Keras 3: base Optimizer arguments).
const std::vector<Key> clipping_keys = {
    {"clipnorm", Rule::positive}, {"clipvalue", Rule::positive}, {"global_clipnorm", Rule::positive}};

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
    std::vector<Key> keys = kind.keys;
    keys.insert(keys.end(), clipping_keys.begin(), clipping_keys.end());
    for (const auto& [key, value] : config.items()) {
        if (key == "type") continue;
        const Key* spec = nullptr;
        for (const Key& k : keys) {
            if (k.name == key) spec = &k;
        }
        if (spec == nullptr) {
            throw KeyError(key, "unknown key '" + key + "' for optimizer " + std::string(kind.type) +
                                    "; expected one of " + join(keys, [](const Key& k) { return k.name; }));
        }
        if (!satisfies(value, spec->rule)) {
            throw KeyError(key, key + ": expected " + expected(spec->rule) + ", got " + value.dump());
        }
    }
    std::unique_ptr<Optimizer> optimizer = kind.make(Checked(config));
    GradientClipping clipping;
    auto read = [&config](const char* key, std::optional<double>& out) {
        if (auto it = config.find(key); it != config.end()) out = it->get<double>();
    };
    read("clipnorm", clipping.clipnorm);
    read("clipvalue", clipping.clipvalue);
    read("global_clipnorm", clipping.global_clipnorm);
    optimizer->set_clipping(clipping);
    return optimizer;
}

}  // namespace nnlab
