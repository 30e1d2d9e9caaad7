// Sequential's training state: what fit() saves for a resume and puts back, so that a resumed fit repeats the
// uninterrupted one bit for bit.
#include <chrono>

#include "nnlab/core/error.hpp"
#include "nnlab/core/threads.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {
namespace {

// Bumped when the contents change meaning; a state of another format is refused rather than misread.
constexpr int state_format = 2;  // 2: only callbacks that keep state are listed

// "<i>": the key of the i-th callback's state; callbacks are matched by their place among those of fit()'s list that
// keep state.
std::string callback_key(size_t index) {
    return std::to_string(index);
}

std::vector<Callback*> keeping_state(const std::vector<Callback*>& callbacks) {
    std::vector<Callback*> keeping;
    for (Callback* c : callbacks)
        if (c->keeps_state()) keeping.push_back(c);
    return keeping;
}

}  // namespace

TrainingState Sequential::training_state() const {
    if (!fit_progress_) throw Error("training_state(): only while fit() runs (from a callback)", ErrorKind::failure);
    const FitProgress& progress = *fit_progress_;
    TrainingState state;
    nlohmann::json& values = state.values();
    values["format"] = state_format;
    values["position"] = {{"epoch", progress.position.epoch}, {"step", progress.position.step}};
    values["steps_per_epoch"] = progress.steps_per_epoch;
    values["train_size"] = progress.train_size;
    values["batch_size"] = progress.batch_size;
    values["parameters"] = count_params();
    values["seed"] = seed_;
    values["threads"] = thread_count();
    values["precision"] = precision_name(precision_);
    values["stop_training"] = stop_training;
    values["loss_sum"] = exact_number(progress.loss_sum);
    values["seen"] = progress.seen;
    values["metrics"] = progress.metrics->state();
    values["elapsed_seconds"] =
        progress.elapsed_before +
        std::chrono::duration<double>(std::chrono::steady_clock::now() - progress.started).count();
    values["history"] = history_.state();

    state.set_tensor("weights", const_cast<Arena&>(weights_).block());
    nlohmann::json optimizer = {{"name", optimizer_->name()},
                                {"iterations", optimizer_->iterations()},
                                {"learning_rate", exact_number(optimizer_->learning_rate())},
                                {"tensors", nlohmann::json::array()}};
    for (const auto& [name, tensor] : optimizer_->state_tensors()) {
        if (tensor->empty()) continue;
        state.set_tensor("optimizer/" + name, *tensor);
        optimizer["tensors"].push_back(name);
    }
    values["optimizer"] = optimizer;

    nlohmann::json streams = nlohmann::json::array();
    for (const auto& layer : layers_)
        for (Rng* stream : layer->random_streams()) streams.push_back(rng_state_json(*stream));
    values["random_streams"] = streams;

    values["callbacks"] = nlohmann::json::object();
    nlohmann::json callback_types = nlohmann::json::array();
    const std::vector<Callback*> callbacks = keeping_state(*progress.callbacks);
    for (size_t i = 0; i < callbacks.size(); ++i) {
        callback_types.push_back(callbacks[i]->type());
        callbacks[i]->save_state(state, callback_key(i));
    }
    values["callback_types"] = callback_types;
    return state;
}

FitPosition Sequential::check_resumable(const TrainingState& state, const FitProgress& progress, int epochs) const {
    try {
        if (state.value("format") != state_format) {
            state.fail("a training state of format " + state.value("format").dump() + "; this nnlab reads format " +
                       std::to_string(state_format));
        }
        // What makes the saved run this one: another value means other data, batches or model.
        const auto same = [&](const char* key, const nlohmann::json& here, const std::string& what) {
            if (state.value(key) != here) {
                state.fail("saved by a run with " + state.value(key).dump() + " " + what + ", but this fit has " +
                           here.dump() + "; the state belongs to another run (different data, batch size or model)");
            }
        };
        same("train_size", progress.train_size, "training examples");
        same("batch_size", progress.batch_size, "as batch size");
        same("steps_per_epoch", progress.steps_per_epoch, "steps per epoch");
        same("parameters", count_params(), "parameters");
        if (state.value("optimizer").at("name") != optimizer_->name()) {
            state.fail("saved by a run with optimizer " + state.value("optimizer").at("name").dump() +
                       ", but this fit has \"" + optimizer_->name() + "\"");
        }
        const nlohmann::json& position = state.value("position");
        const FitPosition start{position.at("epoch").get<int>(), position.at("step").get<int64_t>()};
        if (start.epoch < 0 || start.step < 0 || start.step > progress.steps_per_epoch ||
            (start.step > 0 && start.epoch >= epochs)) {
            state.fail("position epoch " + std::to_string(start.epoch) + ", step " + std::to_string(start.step) +
                       " is outside this fit's " + std::to_string(epochs) + " epochs of " +
                       std::to_string(progress.steps_per_epoch) + " steps");
        }
        if (start.epoch > epochs) {
            state.fail("the run has trained " + std::to_string(start.epoch) +
                       " epochs already; epochs must be at least " + std::to_string(start.epoch) +
                       " to continue it, found " + std::to_string(epochs));
        }
        const std::vector<Callback*> callbacks = keeping_state(*progress.callbacks);
        if (state.value("callback_types").size() != callbacks.size()) {
            state.fail("saved with " + std::to_string(state.value("callback_types").size()) +
                       " callbacks that keep state, but this fit has " + std::to_string(callbacks.size()));
        }
        for (size_t i = 0; i < callbacks.size(); ++i) {
            if (state.value("callback_types")[i] != callbacks[i]->type()) {
                state.fail("callback " + std::to_string(i + 1) + " was " + state.value("callback_types")[i].dump() +
                           " when the state was saved, but is \"" + callbacks[i]->type() + "\" now");
            }
        }
        return start;
    } catch (const nlohmann::json::exception& error) {
        state.fail(std::string("malformed: ") + error.what());
    }
}

void Sequential::restore_training_state(const TrainingState& state, FitProgress& progress) {
    try {
        const nlohmann::json& values = state.values();
        state.copy_tensor("weights", weights_.block());
        const nlohmann::json& optimizer = state.value("optimizer");
        optimizer_->set_iterations(optimizer.at("iterations").get<int64_t>());
        optimizer_->set_learning_rate(exact_number(optimizer.at("learning_rate"), "optimizer.learning_rate"));
        const auto saved_tensors = optimizer.at("tensors").get<std::vector<std::string>>();
        size_t restored = 0;
        for (const auto& [name, tensor] : optimizer_->state_tensors()) {
            if (tensor->empty()) continue;
            state.copy_tensor("optimizer/" + name, *tensor);
            ++restored;
        }
        if (restored != saved_tensors.size()) {
            state.fail("the optimizer kept " + std::to_string(saved_tensors.size()) + " arrays, but this one keeps " +
                       std::to_string(restored) + "; its settings differ");
        }

        std::vector<Rng*> streams;
        for (const auto& layer : layers_)
            for (Rng* stream : layer->random_streams()) streams.push_back(stream);
        const nlohmann::json& saved_streams = state.value("random_streams");
        if (saved_streams.size() != streams.size()) {
            state.fail(std::to_string(saved_streams.size()) + " random streams saved, but the model has " +
                       std::to_string(streams.size()));
        }
        for (size_t i = 0; i < streams.size(); ++i)
            restore_rng(*streams[i], saved_streams[i], state.source().string() + ": random_streams");

        history_ = History::from_state(state.value("history"), state.source().string());
        stop_training = values.at("stop_training").get<bool>();
        progress.loss_sum = exact_number(values.at("loss_sum"), "loss_sum");
        progress.seen = values.at("seen").get<int64_t>();
        progress.metrics->restore_state(values.at("metrics"));
        progress.elapsed_before = exact_number(values.at("elapsed_seconds"), "elapsed_seconds");
        progress.started = std::chrono::steady_clock::now();
        const std::vector<Callback*> callbacks = keeping_state(*progress.callbacks);
        for (size_t i = 0; i < callbacks.size(); ++i) callbacks[i]->load_state(state, callback_key(i));
    } catch (const nlohmann::json::exception& error) {
        state.fail(std::string("malformed: ") + error.what());
    }
}

}  // namespace nnlab
