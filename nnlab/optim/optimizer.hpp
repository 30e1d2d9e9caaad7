// Optimizer — one update over the whole parameter arena from the gradient arena
// (Keras: keras.optimizers.Optimizer).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/config/reader.hpp"
#include "nnlab/config/registry.hpp"
#include "nnlab/optim/parameter_group.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

// A learning rate as a function of the optimizer's step count (Keras LearningRateSchedule).
using StepSchedule = std::function<double(int64_t step)>;

// Gradient clipping before each update (Keras 3: the optimizers' clipnorm, clipvalue, global_clipnorm
// arguments). At most one is set: Keras refuses clipnorm with global_clipnorm and silently ignores clipvalue
// next to either; nnlab refuses every pair, so no setting is ever ignored.
struct GradientClipping {
    std::optional<double> clipnorm;         // each variable's gradient scaled down to this L2 norm
    std::optional<double> clipvalue;        // each gradient element clamped to [-clipvalue, clipvalue]
    std::optional<double> global_clipnorm;  // all gradients scaled together to this global L2 norm
};

// Where one variable's values lie in the flat arenas, in floats.
struct VariableSpan {
    int64_t offset = 0;
    int64_t size = 0;
};

class Optimizer {
public:
    // Throws KeyError naming learning_rate (unless > 0) or weight_decay (unless >= 0).
    explicit Optimizer(double learning_rate, double weight_decay = 0.0);
    virtual ~Optimizer() = default;
    // Movable (compile() takes optimizers by value), not copyable (the state is in Tensors).
    Optimizer(Optimizer&&) = default;
    Optimizer& operator=(Optimizer&&) = default;

    // Keras identifier: "sgd", "rmsprop", "adam", "adamw".
    virtual std::string name() const = 0;
    // The hyperparameters that rebuild this optimizer (make_optimizer's input), "type" and the clipping keys
    // that are set included.
    nlohmann::json config() const;

    // Allocates the optimizer state for `size` parameters; called once by Sequential::compile.
    virtual void build(int64_t size) = 0;
    // How many arrays the size of the parameters build() and step() allocate (Adam: its two moments, and the
    // clipped copy of the gradients while clipping is on), for the memory check before a model is built. A
    // program's own optimizer that does not say is counted as Adam.
    virtual int state_copies() const { return 2 + clipping_copies(); }
    // params -= update(clip(grads)), elementwise over the arenas (same size as build()), then counts the step.
    // `grads` is left as it is: clipping works on a copy.
    void step(Tensor& params, const Tensor& grads);

    // Throws KeyError naming the key when a value is not > 0 or more than one is set.
    void set_clipping(GradientClipping clipping);
    const GradientClipping& clipping() const { return clipping_; }
    // The variables clipnorm clips one by one (Sequential::compile gives each trainable parameter's span).
    // Without spans the whole arena counts as one variable.
    void set_variable_spans(std::vector<VariableSpan> spans) { spans_ = std::move(spans); }
    const std::vector<VariableSpan>& variable_spans() const { return spans_; }
    // The trainable weights by name and place (Sequential::compile): their spans for clipnorm, and their parameter
    // groups. Throws nnlab::Error naming a group's pattern that matches none of them.
    void set_variables(const std::vector<NamedVariable>& variables, int64_t arena_size);

    // Weights treated apart (PyTorch's param_groups): their own learning-rate multiplier and weight decay, or
    // updates in the first epochs only. Set before the model is compiled (set_variables matches them).
    void set_parameter_groups(std::vector<ParameterGroup> groups) { groups_ = std::move(groups); }
    const std::vector<ParameterGroup>& parameter_groups() const { return groups_; }
    // The epoch now training, counted from 0 (fit() sets it), for the groups' until_epoch.
    void set_epoch(int epoch) { epoch_ = epoch; }
    // Whether step() leaves every value of `span` (of the arenas) alone this epoch: each lies in a group past its
    // until_epoch. The model then spares the backward that only those gradients need (PyTorch: requires_grad off).
    bool frozen(VariableSpan span) const;

    // Keras 3's weight_decay, which every optimizer takes: before each update p −= p·weight_decay·lr, with the
    // step's learning rate and apart from the gradient (decoupled, as AdamW's), on every trainable weight (biases
    // and batch norm's too, as Keras unless told otherwise). 0 is none. Throws KeyError("weight_decay") unless >= 0.
    void set_weight_decay(double weight_decay);
    double weight_decay() const { return weight_decay_; }

    // The rate the next step uses: the schedule's value at iterations() when one is set.
    double learning_rate() const;
    void set_learning_rate(double learning_rate) { learning_rate_ = learning_rate; }
    void set_schedule(StepSchedule schedule) { schedule_ = std::move(schedule); }
    // True while a per-step schedule decides the rate (set_learning_rate then has no effect).
    bool has_schedule() const { return static_cast<bool>(schedule_); }
    int64_t iterations() const { return iterations_; }
    // For a resumed fit: the step count the saved optimizer had reached.
    void set_iterations(int64_t iterations) { iterations_ = iterations; }
    // The arrays kept from one step to the next (Adam's moments, …) by name, for a saved training state. An
    // optimizer that keeps state and does not list it here resumes from zeros: not the run it continues.
    virtual std::vector<std::pair<std::string, Tensor*>> state_tensors() { return {}; }

protected:
    int clipping_copies() const;
    // Throws unless build(size) allocated the state the step needs; step() calls it before anything is written
    // (the weight decay included). The default trusts the subclass.
    virtual void check_built(int64_t /*size*/) const {}
    // The check for one state array: it must hold `size` values (else: call build() first).
    void require_state(const Tensor& state, int64_t size) const;
    // The optimizer's own hyperparameters, "type" and "learning_rate" included; config() adds the clipping and
    // the weight decay when there is one.
    virtual nlohmann::json hyperparameters() const = 0;
    // One update of the weights in `range` (of params, grads and the optimizer's own state, which are laid out
    // alike) with the rate for this step; `t` is the 1-based step number (for bias correction).
    virtual void apply(Tensor& params, const Tensor& grads, double learning_rate, int64_t t, VariableSpan range) = 0;
    // The part `range` of an arena-sized tensor, as a view (empty for an empty tensor: state that is not kept).
    static Tensor part(const Tensor& arena, VariableSpan range);

private:
    // The gradients to apply: `grads` itself, or clipped_ holding the clipped copy.
    const Tensor& clip(const Tensor& grads);

    double learning_rate_;
    double weight_decay_ = 0.0;
    StepSchedule schedule_;
    int64_t iterations_ = 0;
    GradientClipping clipping_;
    std::vector<VariableSpan> spans_;
    std::vector<ParameterGroup> groups_;
    std::vector<GroupRun> runs_;  // the arena cut by group; empty without groups
    int epoch_ = 0;
    Tensor clipped_;  // (size), only while clipping is on
};

using OptimizerRegistry = config::Registry<Optimizer>;

// Every optimizer a description may name: sgd, rmsprop, adam, adamw (Keras's identifiers; the class names too),
// each with gradient clipping. A program may add its own.
OptimizerRegistry& optimizer_registry();

// From a description {"type": "adam", "learning_rate": 0.001, …} or a name ("adam"); every key is checked.
// Throws config::ConfigError naming the key ("optimizer.beta_1") and what was expected. config() writes back
// what this reads, every default filled in.
std::unique_ptr<Optimizer> optimizer_from(const config::Reader& description);
std::unique_ptr<Optimizer> make_optimizer(const nlohmann::json& description);

}  // namespace nnlab
