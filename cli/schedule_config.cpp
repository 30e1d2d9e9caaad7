// Schedule config — the [schedule] table of an experiment file (Keras's LearningRateSchedule classes by their
// snake-case names, and PyTorch's OneCycleLR), and how a run carries it out.
#include "cli/schedule_config.hpp"

#include <functional>
#include <string>

#include "nnlab/core/error.hpp"
#include "nnlab/optim/schedules.hpp"
#include "nnlab/train/callbacks/learning_rate_scheduler.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab::cli {
namespace {

// PyTorch's OneCycleLR arguments; total_steps is not one of them, fit() knows it (epochs × steps per epoch).
void read_one_cycle(const ConfigReader& schedule, ScheduleConfig& s) {
    schedule.reject_unknown({"type", "max_lr", "pct_start", "div_factor", "final_div_factor"});
    s.max_lr = schedule.number("max_lr").value_or(s.initial_learning_rate);
    if (!(s.max_lr > 0.0)) schedule.fail("max_lr", "expected a positive number, found " + std::to_string(s.max_lr));
    s.pct_start = schedule.number("pct_start").value_or(s.pct_start);
    if (!(s.pct_start > 0.0 && s.pct_start < 1.0))
        schedule.fail("pct_start", "expected a fraction in (0, 1), found " + std::to_string(s.pct_start));
    s.div_factor = schedule.number("div_factor").value_or(s.div_factor);
    if (!(s.div_factor > 0.0))
        schedule.fail("div_factor", "expected a positive number, found " + std::to_string(s.div_factor));
    s.final_div_factor = schedule.number("final_div_factor").value_or(s.final_div_factor);
    if (!(s.final_div_factor > 0.0))
        schedule.fail("final_div_factor", "expected a positive number, found " + std::to_string(s.final_div_factor));
}

// one_cycle's length is epochs × steps per epoch, which only fit() knows: this sets the per-step schedule when
// training begins (the optimizer's step count starts at 0 there).
class OneCycleSchedule final : public Callback {
public:
    explicit OneCycleSchedule(OneCycle schedule) : schedule_(schedule) {}
    void on_train_begin(const TrainPlan& plan) override {
        OneCycle schedule = schedule_;
        schedule.total_steps = static_cast<int64_t>(plan.epochs) * plan.steps_per_epoch;
        try {
            schedule(0);  // checks that both phases have steps
        } catch (const KeyError& error) {
            throw Error(std::string("schedule one_cycle: ") + error.what() + " (" + std::to_string(plan.epochs) +
                        " epochs of " + std::to_string(plan.steps_per_epoch) + " steps)");
        }
        model_->optimizer().set_schedule(schedule);
    }

private:
    OneCycle schedule_;
};

}  // namespace

ScheduleConfig read_schedule_config(const ConfigReader& schedule, std::optional<double> optimizer_learning_rate) {
    ScheduleConfig s;
    s.type = schedule.require_string("type");
    if (optimizer_learning_rate) s.initial_learning_rate = *optimizer_learning_rate;
    if (s.type == "step_decay") {
        schedule.reject_unknown({"type", "initial_learning_rate", "drop", "epochs_drop"});
        s.drop = schedule.number("drop").value_or(s.drop);
        if (s.drop <= 0.0 || s.drop > 1.0)
            schedule.fail("drop", "expected a factor in (0, 1], found " + std::to_string(s.drop));
        s.epochs_drop = static_cast<int>(schedule.positive_integer("epochs_drop").value_or(s.epochs_drop));
    } else if (s.type == "exponential_decay") {
        schedule.reject_unknown({"type", "initial_learning_rate", "decay_steps", "decay_rate", "staircase"});
        if (!schedule.has("decay_steps")) schedule.fail("decay_steps", "missing; expected a positive integer");
        s.decay_steps = *schedule.positive_integer("decay_steps");
        s.decay_rate = schedule.number("decay_rate").value_or(s.decay_rate);
        if (s.decay_rate <= 0.0)
            schedule.fail("decay_rate", "expected a positive number, found " + std::to_string(s.decay_rate));
        s.staircase = schedule.boolean("staircase").value_or(s.staircase);
    } else if (s.type == "cosine_decay") {
        schedule.reject_unknown(
            {"type", "initial_learning_rate", "decay_steps", "alpha", "warmup_target", "warmup_steps"});
        if (!schedule.has("decay_steps")) schedule.fail("decay_steps", "missing; expected a positive integer");
        s.decay_steps = *schedule.positive_integer("decay_steps");
        s.alpha = schedule.number("alpha").value_or(s.alpha);
        if (s.alpha < 0.0 || s.alpha > 1.0)
            schedule.fail("alpha", "expected a number in [0, 1], found " + std::to_string(s.alpha));
        s.warmup_target = schedule.number("warmup_target");
        if (s.warmup_target && !(*s.warmup_target > 0.0))
            schedule.fail("warmup_target", "expected a positive number, found " + std::to_string(*s.warmup_target));
        s.warmup_steps = schedule.integer("warmup_steps").value_or(s.warmup_steps);
        if (s.warmup_steps < 0)
            schedule.fail("warmup_steps", "expected an integer >= 0, found " + std::to_string(s.warmup_steps));
        if (s.warmup_steps > 0 && !s.warmup_target)
            schedule.fail("warmup_steps", "needs warmup_target, the rate the warm-up reaches");
    } else if (s.type == "one_cycle") {
        read_one_cycle(schedule, s);
        return s;
    } else {
        schedule.fail("type", "unknown schedule '" + s.type +
                                  "'; expected one of step_decay, exponential_decay, cosine_decay, one_cycle");
    }
    s.initial_learning_rate = schedule.number("initial_learning_rate").value_or(s.initial_learning_rate);
    // A warm-up may start from 0 (Keras's own example does).
    if (s.warmup_target ? s.initial_learning_rate < 0.0 : s.initial_learning_rate <= 0.0) {
        schedule.fail("initial_learning_rate", std::string("expected a ") +
                                                   (s.warmup_target ? "non-negative" : "positive") + " number, found " +
                                                   std::to_string(s.initial_learning_rate));
    }
    return s;
}

toml::table schedule_config_to_toml(const ScheduleConfig& schedule) {
    if (schedule.type == "one_cycle") {
        return toml::table{{"type", schedule.type},
                           {"max_lr", schedule.max_lr},
                           {"pct_start", schedule.pct_start},
                           {"div_factor", schedule.div_factor},
                           {"final_div_factor", schedule.final_div_factor}};
    }
    toml::table s{{"type", schedule.type}, {"initial_learning_rate", schedule.initial_learning_rate}};
    if (schedule.type == "step_decay") {
        s.insert("drop", schedule.drop);
        s.insert("epochs_drop", schedule.epochs_drop);
    } else {
        s.insert("decay_steps", schedule.decay_steps);
        if (schedule.type == "exponential_decay") {
            s.insert("decay_rate", schedule.decay_rate);
            s.insert("staircase", schedule.staircase);
        } else {
            s.insert("alpha", schedule.alpha);
            if (schedule.warmup_target) {
                s.insert("warmup_target", *schedule.warmup_target);
                s.insert("warmup_steps", schedule.warmup_steps);
            }
        }
    }
    return s;
}

void set_per_step_schedule(const ScheduleConfig& s, Optimizer& optimizer) {
    if (s.type == "exponential_decay") {
        optimizer.set_schedule(ExponentialDecay{s.initial_learning_rate, s.decay_steps, s.decay_rate, s.staircase});
    } else if (s.type == "cosine_decay") {
        optimizer.set_schedule(
            CosineDecay{s.initial_learning_rate, s.decay_steps, s.alpha, s.warmup_target, s.warmup_steps});
    }
}

std::vector<std::unique_ptr<Callback>> make_schedule_callbacks(const ScheduleConfig& s) {
    std::vector<std::unique_ptr<Callback>> callbacks;
    if (s.type == "step_decay") {
        callbacks.push_back(std::make_unique<LearningRateScheduler>(
            std::function<double(int)>(StepDecay{s.initial_learning_rate, s.drop, s.epochs_drop})));
    } else if (s.type == "one_cycle") {
        callbacks.push_back(std::make_unique<OneCycleSchedule>(OneCycle{.max_lr = s.max_lr,
                                                                        .pct_start = s.pct_start,
                                                                        .div_factor = s.div_factor,
                                                                        .final_div_factor = s.final_div_factor}));
    }
    return callbacks;
}

}  // namespace nnlab::cli
