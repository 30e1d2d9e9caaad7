// Drives a callback through fit()'s hooks with scripted logs.
#include "tests/support/callback_driver.hpp"

#include <cmath>
#include <limits>

#include "nnlab/layers/dense.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/optim/sgd.hpp"

namespace nnlab::testing {

std::unique_ptr<Sequential> tiny_model(double learning_rate) {
    auto model = std::make_unique<Sequential>();
    model->add(Input{{4}});
    model->add(Dense(3, "softmax"));
    model->compile(SGD(learning_rate), CategoricalCrossentropy(), {.seed = 1});
    return model;
}

void mark_weights(Sequential& model, float value) {
    for (Param* p : model.params()) p->value.fill(value);
}

float weight_mark(Sequential& model) {
    const float first = model.params().front()->value[0];
    for (Param* p : model.params())
        for (float v : p->value.values())
            if (v != first) return std::numeric_limits<float>::quiet_NaN();
    return first;
}

ScriptedRun run_scripted_epochs(Sequential& model, Callback& callback, const std::string& key,
                                const std::vector<double>& values) {
    ScriptedRun run;
    model.stop_training = false;
    callback.set_model(&model);
    callback.on_train_begin({static_cast<int>(values.size()), 10});
    Logs logs;
    for (int epoch = 0; epoch < static_cast<int>(values.size()) && !model.stop_training; ++epoch) {
        callback.on_epoch_begin(epoch);
        mark_weights(model, static_cast<float>(epoch + 1));
        logs = Logs();
        logs.set(key, values[static_cast<size_t>(epoch)]);
        logs.set("learning_rate", model.optimizer().learning_rate());
        callback.on_epoch_end(epoch, logs);
        run.learning_rates.push_back(model.optimizer().learning_rate());
        ++run.epochs_run;
    }
    callback.on_train_end(logs);
    return run;
}

}  // namespace nnlab::testing
