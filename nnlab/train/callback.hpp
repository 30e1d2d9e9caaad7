// Callback — hooks into fit() (Keras: keras.callbacks.Callback).
#pragma once

#include <cstdint>
#include <string>

#include "nnlab/config/reader.hpp"
#include "nnlab/train/logs.hpp"
#include "nnlab/train/training_state.hpp"

namespace nnlab {

class Sequential;

// A point a fit can continue from: every callback has seen the end of batch `position.step - 1` (or of the epoch,
// when epoch_end), so saving the training state here and restoring it later repeats the run bit for bit.
struct ResumePoint {
    FitPosition position;  // what is done: `step` batches of `epoch` (epoch_end: epoch + 1, step 0)
    int64_t steps_per_epoch = 0;
    bool epoch_end = false;
    bool interrupted = false;  // fit stops here (an interrupt was requested): save now, whatever the schedule
};

// What fit() is about to do (Keras: callback.params).
struct TrainPlan {
    int epochs = 0;
    int64_t steps_per_epoch = 0;
    // The steps of the whole run: epochs × steps_per_epoch, or fewer when FitOptions::max_steps ends it earlier
    // (a fractional epoch count). Schedules that span the run use it.
    int64_t total_steps = 0;
};

class Callback {
public:
    virtual ~Callback() = default;

    void set_model(Sequential* model) { model_ = model; }

    // The callbacks a description can name (early_stopping, …) describe themselves: their type in the callback
    // registry and every setting they were made with, so callback_from(callback_description(c)) makes the same
    // one. Others (a progress bar) have no type and describe nothing.
    virtual std::string type() const { return {}; }
    virtual config::Description config() const { return config::Description::object(); }
    // Whether the callback only reports (prints, writes files) and changes nothing that training depends on: in a
    // data-parallel fit such callbacks run on rank 0 alone (the other ranks' reports would repeat its).
    virtual bool reports_only() const { return false; }

    virtual void on_train_begin(const TrainPlan&) {}
    virtual void on_train_end(const Logs&) {}
    // Epochs are counted from 0, as Keras passes them.
    virtual void on_epoch_begin(int) {}
    virtual void on_epoch_end(int, const Logs&) {}
    // Logs hold the running means of the epoch so far.
    virtual void on_batch_end(int64_t, const Logs&) {}
    // After every callback's on_batch_end or on_epoch_end (BackupAndRestore saves the state here).
    virtual void on_resume_point(const ResumePoint&) {}

    // What this callback has learnt during fit that a resumed fit needs (EarlyStopping's best value, wait and best
    // weights, …): JSON under state.values()["callbacks"][key], tensors named key + "/…". load_state puts it back
    // after on_train_begin. Callbacks without such state save nothing.
    // Only callbacks that keep state are matched against a saved one (by their order among such callbacks and their
    // type), so that those that only watch or print (a progress bar) may differ between a run and its resume.
    virtual bool keeps_state() const { return false; }
    virtual void save_state(TrainingState& /*state*/, const std::string& /*key*/) const {}
    virtual void load_state(const TrainingState& /*state*/, const std::string& /*key*/) {}

protected:
    Sequential* model_ = nullptr;
};

}  // namespace nnlab
