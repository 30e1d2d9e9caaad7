// Optimizer — one update over the whole parameter arena from the gradient arena
// (Keras: keras.optimizers.Optimizer).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

// A learning rate as a function of the optimizer's step count (Keras LearningRateSchedule).
using StepSchedule = std::function<double(int64_t step)>;

class Optimizer {
public:
    explicit Optimizer(double learning_rate);
    virtual ~Optimizer() = default;

    // Keras identifier: "sgd", "rmsprop", "adam", "adamw".
    virtual std::string name() const = 0;
    // The hyperparameters that rebuild this optimizer (make_optimizer's input), "type" included.
    virtual nlohmann::json config() const = 0;

    // Allocates the optimizer state for `size` parameters; called once by Sequential::compile.
    virtual void build(int64_t size) = 0;
    // params -= update(grads), elementwise over the arenas (same size as build()), then counts the step.
    void step(Tensor& params, const Tensor& grads);

    // The rate the next step uses: the schedule's value at iterations() when one is set.
    double learning_rate() const;
    void set_learning_rate(double learning_rate) { learning_rate_ = learning_rate; }
    void set_schedule(StepSchedule schedule) { schedule_ = std::move(schedule); }
    int64_t iterations() const { return iterations_; }

protected:
    // One update with the rate for this step; `t` is the 1-based step number (for bias correction).
    virtual void apply(float* params, const float* grads, int64_t size, double learning_rate, int64_t t) = 0;

private:
    double learning_rate_;
    StepSchedule schedule_;
    int64_t iterations_ = 0;
};

// From a config object {"type": "adam", "learning_rate": 0.001, …}; every key is checked.
// Throws KeyError naming the key ("type", "learning_rate", "beta_1", …) and what was expected.
std::unique_ptr<Optimizer> make_optimizer(const nlohmann::json& config);

}  // namespace nnlab
