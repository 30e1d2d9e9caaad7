// LearningRateSchedule — the [schedule] descriptions, read, written back and carried out by a callback.
#include "nnlab/train/learning_rate_schedule.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <string>

#include "nnlab/core/error.hpp"
#include "nnlab/optim/schedules.hpp"
#include "nnlab/train/callbacks/learning_rate_scheduler.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {
namespace {

using config::Description;
using config::Reader;

// Sets the per-step schedule `make(plan)` on the optimizer when training begins (its step count starts at 0 there).
class SetStepSchedule final : public Callback {
public:
    explicit SetStepSchedule(std::function<StepSchedule(const TrainPlan&)> make) : make_(std::move(make)) {}
    void on_train_begin(const TrainPlan& plan) override { model_->optimizer().set_schedule(make_(plan)); }

private:
    std::function<StepSchedule(const TrainPlan&)> make_;
};

// The rate a schedule starts from: the description's, else the optimizer's. A warm-up may start from 0 (Keras's own
// example does); otherwise it must be positive.
double initial_rate(const Reader& d, double optimizer_learning_rate, bool warmup) {
    const double rate = d.number("initial_learning_rate").value_or(optimizer_learning_rate);
    if (warmup ? rate < 0.0 : rate <= 0.0)
        d.wrong_type("initial_learning_rate", warmup ? "a number >= 0" : "a positive number");
    return rate;
}

class StepDecaySchedule final : public LearningRateSchedule {
public:
    explicit StepDecaySchedule(StepDecay schedule) : schedule_(schedule) {}
    std::string type() const override { return "step_decay"; }
    Description config() const override {
        return {{"initial_learning_rate", schedule_.initial_learning_rate},
                {"drop", schedule_.drop},
                {"epochs_drop", schedule_.epochs_drop}};
    }
    std::unique_ptr<Callback> make_callback() const override {
        return std::make_unique<LearningRateScheduler>(std::function<double(int)>(schedule_));
    }
    static std::unique_ptr<LearningRateSchedule> from(const Reader& d, double optimizer_learning_rate) {
        StepDecay s{.initial_learning_rate = initial_rate(d, optimizer_learning_rate, false)};
        s.drop = d.number("drop").value_or(s.drop);
        if (s.drop <= 0.0 || s.drop > 1.0) d.wrong_type("drop", "a factor in (0, 1]");
        s.epochs_drop = static_cast<int>(d.integer("epochs_drop", 1, 1'000'000'000).value_or(s.epochs_drop));
        return std::make_unique<StepDecaySchedule>(s);
    }

private:
    StepDecay schedule_;
};

class ExponentialDecaySchedule final : public LearningRateSchedule {
public:
    explicit ExponentialDecaySchedule(ExponentialDecay schedule) : schedule_(schedule) {}
    std::string type() const override { return "exponential_decay"; }
    Description config() const override {
        return {{"initial_learning_rate", schedule_.initial_learning_rate},
                {"decay_steps", schedule_.decay_steps},
                {"decay_rate", schedule_.decay_rate},
                {"staircase", schedule_.staircase}};
    }
    std::unique_ptr<Callback> make_callback() const override {
        return std::make_unique<SetStepSchedule>([s = schedule_](const TrainPlan&) { return StepSchedule(s); });
    }
    static std::unique_ptr<LearningRateSchedule> from(const Reader& d, double optimizer_learning_rate) {
        ExponentialDecay s{.initial_learning_rate = initial_rate(d, optimizer_learning_rate, false)};
        s.decay_steps = d.require_positive_integer("decay_steps");
        s.decay_rate = d.number("decay_rate").value_or(s.decay_rate);
        if (s.decay_rate <= 0.0) d.wrong_type("decay_rate", "a positive number");
        s.staircase = d.boolean("staircase").value_or(s.staircase);
        return std::make_unique<ExponentialDecaySchedule>(s);
    }

private:
    ExponentialDecay schedule_;
};

class CosineDecaySchedule final : public LearningRateSchedule {
public:
    explicit CosineDecaySchedule(CosineDecay schedule) : schedule_(schedule) {}
    std::string type() const override { return "cosine_decay"; }
    Description config() const override {
        Description c{{"initial_learning_rate", schedule_.initial_learning_rate},
                      {"decay_steps", schedule_.decay_steps},
                      {"alpha", schedule_.alpha}};
        if (schedule_.warmup_target) {
            c["warmup_target"] = *schedule_.warmup_target;
            c["warmup_steps"] = schedule_.warmup_steps;
        }
        return c;
    }
    std::unique_ptr<Callback> make_callback() const override {
        return std::make_unique<SetStepSchedule>([s = schedule_](const TrainPlan&) { return StepSchedule(s); });
    }
    static std::unique_ptr<LearningRateSchedule> from(const Reader& d, double optimizer_learning_rate) {
        CosineDecay s;
        s.warmup_target = d.number("warmup_target");
        if (s.warmup_target && !(*s.warmup_target > 0.0)) d.wrong_type("warmup_target", "a positive number");
        s.initial_learning_rate = initial_rate(d, optimizer_learning_rate, s.warmup_target.has_value());
        s.decay_steps = d.require_positive_integer("decay_steps");
        s.alpha = d.number("alpha").value_or(s.alpha);
        if (s.alpha < 0.0 || s.alpha > 1.0) d.wrong_type("alpha", "a number in [0, 1]");
        s.warmup_steps = d.integer("warmup_steps", 0, std::numeric_limits<int64_t>::max()).value_or(0);
        if (s.warmup_steps > 0 && !s.warmup_target)
            d.fail("warmup_steps", "needs warmup_target, the rate the warm-up reaches");
        return std::make_unique<CosineDecaySchedule>(s);
    }

private:
    CosineDecay schedule_;
};

// PyTorch's OneCycleLR arguments; total_steps is not one of them: fit() knows it (epochs × steps per epoch).
class OneCycleSchedule final : public LearningRateSchedule {
public:
    explicit OneCycleSchedule(OneCycle schedule) : schedule_(schedule) {}
    std::string type() const override { return "one_cycle"; }
    Description config() const override {
        return {{"max_lr", schedule_.max_lr},
                {"pct_start", schedule_.pct_start},
                {"div_factor", schedule_.div_factor},
                {"final_div_factor", schedule_.final_div_factor}};
    }
    std::unique_ptr<Callback> make_callback() const override {
        return std::make_unique<SetStepSchedule>([s = schedule_](const TrainPlan& plan) {
            OneCycle schedule = s;
            schedule.total_steps = plan.total_steps;
            try {
                schedule(0);  // checks that both phases have steps
            } catch (const KeyError& error) {
                throw Error(std::string("schedule one_cycle: ") + error.what() + " (" + std::to_string(plan.epochs) +
                            " epochs of " + std::to_string(plan.steps_per_epoch) + " steps)");
            }
            return StepSchedule(schedule);
        });
    }
    static std::unique_ptr<LearningRateSchedule> from(const Reader& d, double optimizer_learning_rate) {
        OneCycle s{.max_lr = d.number("max_lr").value_or(optimizer_learning_rate)};
        if (!(s.max_lr > 0.0)) d.wrong_type("max_lr", "a positive number");
        s.pct_start = d.number("pct_start").value_or(s.pct_start);
        if (!(s.pct_start > 0.0 && s.pct_start < 1.0)) d.wrong_type("pct_start", "a fraction in (0, 1)");
        s.div_factor = d.number("div_factor").value_or(s.div_factor);
        if (!(s.div_factor > 0.0)) d.wrong_type("div_factor", "a positive number");
        s.final_div_factor = d.number("final_div_factor").value_or(s.final_div_factor);
        if (!(s.final_div_factor > 0.0)) d.wrong_type("final_div_factor", "a positive number");
        return std::make_unique<OneCycleSchedule>(s);
    }

private:
    OneCycle schedule_;
};

// The rate as a piecewise-linear function of the run's progress, in multiples of the optimizer's learning rate (so
// that a sweep over optimizer.learning_rate scales the whole shape); the length is the run's, as one_cycle's.
class PiecewiseLinearSchedule final : public LearningRateSchedule {
public:
    explicit PiecewiseLinearSchedule(PiecewiseLinear schedule) : schedule_(std::move(schedule)) {}
    std::string type() const override { return "piecewise_linear"; }
    Description config() const override {
        return {{"boundaries", schedule_.boundaries}, {"factors", schedule_.factors}};
    }
    std::unique_ptr<Callback> make_callback() const override {
        return std::make_unique<SetStepSchedule>([s = schedule_](const TrainPlan& plan) {
            PiecewiseLinear schedule = s;
            schedule.total_steps = std::max<int64_t>(plan.total_steps, 1);
            return StepSchedule(schedule);
        });
    }
    static std::unique_ptr<LearningRateSchedule> from(const Reader& d, double optimizer_learning_rate) {
        PiecewiseLinear s{.learning_rate = optimizer_learning_rate};
        d.require("boundaries", "expected fractions of the run, e.g. [0, 0.23, 1]");
        d.require("factors", "expected one multiple of optimizer.learning_rate per boundary, e.g. [0.2, 1, 0.07]");
        s.boundaries = *d.numbers("boundaries");
        s.factors = *d.numbers("factors");
        d.located([&] { s.check(); });
        return std::make_unique<PiecewiseLinearSchedule>(std::move(s));
    }

private:
    PiecewiseLinear schedule_;
};

}  // namespace

ScheduleRegistry& schedule_registry() {
    static ScheduleRegistry registry("schedule");
    static const bool registered = [] {
        registry.add({"step_decay", {"initial_learning_rate", "drop", "epochs_drop"}, StepDecaySchedule::from, {}});
        registry.add({"exponential_decay",
                      {"initial_learning_rate", "decay_steps", "decay_rate", "staircase"},
                      ExponentialDecaySchedule::from,
                      {"ExponentialDecay"}});
        registry.add({"cosine_decay",
                      {"initial_learning_rate", "decay_steps", "alpha", "warmup_target", "warmup_steps"},
                      CosineDecaySchedule::from,
                      {"CosineDecay"}});
        registry.add(
            {"one_cycle", {"max_lr", "pct_start", "div_factor", "final_div_factor"}, OneCycleSchedule::from, {}});
        registry.add({"piecewise_linear", {"boundaries", "factors"}, PiecewiseLinearSchedule::from, {}});
        return true;
    }();
    (void)registered;
    return registry;
}

std::unique_ptr<LearningRateSchedule> schedule_from(const config::Reader& description, double optimizer_learning_rate) {
    return schedule_registry().make(description, optimizer_learning_rate);
}

config::Description schedule_description(const LearningRateSchedule& schedule) {
    config::Description description = schedule.config();
    description["type"] = schedule.type();
    return description;
}

}  // namespace nnlab
