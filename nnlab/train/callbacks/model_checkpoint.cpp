// ModelCheckpoint — Keras 3's logic (keras/src/callbacks/model_checkpoint.py): the path is formatted first, then
// the file is written unless save_best_only finds no improvement over the best value so far (strictly better,
// with no min_delta).
#include "nnlab/train/callbacks/model_checkpoint.hpp"

#include <limits>

#include "nnlab/core/error.hpp"
#include "nnlab/train/callbacks/checkpoint_path.hpp"
#include "nnlab/train/callbacks/monitor.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

ModelCheckpoint::ModelCheckpoint(std::string filepath, ModelCheckpointOptions options)
    : filepath_(std::move(filepath)), options_(std::move(options)) {
    if (filepath_.empty()) throw KeyError("filepath", "filepath: expected a file name, found \"\"");
    checkpoint_path_fields(filepath_);  // the syntax, now rather than after the first epoch
    maximize_ = monitor_maximizes("ModelCheckpoint", options_.monitor, options_.mode);
    if (options_.save_freq < 0) {
        throw KeyError("save_freq", "save_freq: expected \"epoch\" (0) or a positive number of batches, found " +
                                        std::to_string(options_.save_freq));
    }
}

void ModelCheckpoint::on_train_begin(const TrainPlan&) {
    // Keras starts from ±inf once, when the callback is made; resetting here lets one instance serve several
    // fit() calls the way the other callbacks do.
    best_ = maximize_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    batches_since_save_ = 0;
    saves_ = 0;
    last_saved_.reset();
}

void ModelCheckpoint::on_batch_end(int64_t batch, const Logs& logs) {
    if (options_.save_freq == 0) return;
    if (++batches_since_save_ < options_.save_freq) return;
    batches_since_save_ = 0;
    save(epoch_, batch, logs);
}

void ModelCheckpoint::on_epoch_end(int epoch, const Logs& logs) {
    if (options_.save_freq == 0) save(epoch, std::nullopt, logs);
}

void ModelCheckpoint::save(int epoch, std::optional<int64_t> batch, const Logs& logs) {
    const std::filesystem::path path =
        format_checkpoint_path(filepath_, epoch + 1, batch ? std::optional<int64_t>(*batch + 1) : std::nullopt, logs);
    if (options_.save_best_only) {
        const double current = monitor_value("ModelCheckpoint", options_.monitor, logs);
        if (!(maximize_ ? current > best_ : current < best_)) return;
        best_ = current;
    }
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    save_model(*model_, path, options_.metadata);
    ++saves_;
    last_saved_ = path;
}

config::Description ModelCheckpoint::config() const {
    config::Description c{{"filepath", filepath_},
                          {"monitor", options_.monitor},
                          {"save_best_only", options_.save_best_only},
                          {"mode", options_.mode}};
    if (options_.save_freq > 0)
        c["save_freq"] = options_.save_freq;
    else
        c["save_freq"] = "epoch";
    return c;
}

void ModelCheckpoint::save_state(TrainingState& state, const std::string& key) const {
    nlohmann::json saved = {
        {"best", exact_number(best_)}, {"batches_since_save", batches_since_save_}, {"saves", saves_}};
    if (last_saved_) saved["last_saved"] = last_saved_->string();
    state.values()["callbacks"][key] = saved;
}

void ModelCheckpoint::load_state(const TrainingState& state, const std::string& key) {
    const nlohmann::json& saved = state.value("callbacks").at(key);
    best_ = exact_number(saved.at("best"), "model_checkpoint.best");
    batches_since_save_ = saved.at("batches_since_save").get<int64_t>();
    saves_ = saved.at("saves").get<int>();
    last_saved_.reset();
    if (saved.contains("last_saved")) last_saved_ = saved.at("last_saved").get<std::string>();
}

}  // namespace nnlab
