// Drives a callback through fit()'s hooks on a real (tiny) compiled model with scripted logs, without training,
// so a test says exactly which values the callback sees and checks what it does to the model.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nnlab/train/callback.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab::testing {

// Input (4), Dense 3 softmax; SGD at `learning_rate`, categorical cross-entropy.
std::unique_ptr<Sequential> tiny_model(double learning_rate = 0.1);

// Every parameter of the model filled with `value`.
void mark_weights(Sequential& model, float value);
// The value every parameter holds, or nan when they differ.
float weight_mark(Sequential& model);

struct ScriptedRun {
    int epochs_run = 0;                  // epochs whose on_epoch_end ran before stop_training ended the loop
    std::vector<double> learning_rates;  // the optimizer's rate after each epoch's callbacks
};

// As fit() calls them: on_train_begin, then per epoch on_epoch_begin, the weights marked with epoch + 1 (the
// "training"), on_epoch_end with logs {key: values[epoch]} (plus learning_rate), until values run out or the
// callback sets stop_training; then on_train_end.
ScriptedRun run_scripted_epochs(Sequential& model, Callback& callback, const std::string& key,
                                const std::vector<double>& values);

}  // namespace nnlab::testing
