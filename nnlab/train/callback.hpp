// Callback — hooks into fit() (Keras: keras.callbacks.Callback).
#pragma once

#include <cstdint>
#include <string>

#include "nnlab/config/reader.hpp"
#include "nnlab/train/logs.hpp"

namespace nnlab {

class Sequential;

// What fit() is about to do (Keras: callback.params).
struct TrainPlan {
    int epochs = 0;
    int64_t steps_per_epoch = 0;
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

    virtual void on_train_begin(const TrainPlan&) {}
    virtual void on_train_end(const Logs&) {}
    // Epochs are counted from 0, as Keras passes them.
    virtual void on_epoch_begin(int) {}
    virtual void on_epoch_end(int, const Logs&) {}
    // Logs hold the running means of the epoch so far.
    virtual void on_batch_end(int64_t, const Logs&) {}

protected:
    Sequential* model_ = nullptr;
};

}  // namespace nnlab
