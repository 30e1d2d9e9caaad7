// ModelCheckpoint — saves the model during fit(), every epoch or every N batches, or only when a monitored
// quantity improves (Keras: keras.callbacks.ModelCheckpoint).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "nnlab/io/model_file.hpp"
#include "nnlab/train/callback.hpp"

namespace nnlab {

// Keras 3's arguments and defaults, less verbose, save_weights_only (a model file is always whole; weights are
// most of it) and initial_value_threshold.
struct ModelCheckpointOptions {
    std::string monitor = "val_loss";
    bool save_best_only = false;  // save only when `monitor` beats the best so far
    std::string mode = "auto";    // "auto", "min" or "max"; auto: max for names containing "acc"
    int64_t save_freq = 0;        // 0: "epoch", after every epoch (Keras's default); N > 0: after every N batches
    ModelMetadata metadata;       // class names written into each file (not a Keras argument)
};

// `filepath` may hold {epoch}, {batch} (with save_freq > 0) and log fields with Python format specs, e.g.
// "ckpt/{epoch:02d}-{val_loss:.4f}.safetensors" (see checkpoint_path.hpp); epoch and batch count from 1. The
// folder is created when missing; each file is written atomically by save_model. A field naming no log key is a
// KeyError("filepath") at the first save. Keras warns and saves anyway when save_best_only cannot find the
// monitor in the logs; here that is an nnlab::Error naming the key.
class ModelCheckpoint final : public Callback {
public:
    // Throws KeyError("filepath") for a malformed pattern, KeyError("mode") / KeyError("save_freq") for bad options.
    explicit ModelCheckpoint(std::string filepath, ModelCheckpointOptions options = {});

    std::string type() const override { return "model_checkpoint"; }
    bool reports_only() const override { return true; }
    config::Description config() const override;
    void on_train_begin(const TrainPlan& plan) override;
    void on_epoch_begin(int epoch) override { epoch_ = epoch; }
    void on_batch_end(int64_t batch, const Logs& logs) override;
    void on_epoch_end(int epoch, const Logs& logs) override;
    bool keeps_state() const override { return true; }
    void save_state(TrainingState& state, const std::string& key) const override;
    void load_state(const TrainingState& state, const std::string& key) override;

    // The file written last in this fit(), if any.
    const std::optional<std::filesystem::path>& last_saved() const { return last_saved_; }
    int saves() const { return saves_; }
    // The best monitored value so far (±inf before any; only meaningful with save_best_only).
    double best() const { return best_; }

private:
    void save(int epoch, std::optional<int64_t> batch, const Logs& logs);

    std::string filepath_;
    ModelCheckpointOptions options_;
    bool maximize_ = false;
    double best_ = 0.0;
    int epoch_ = 0;
    int64_t batches_since_save_ = 0;
    int saves_ = 0;
    std::optional<std::filesystem::path> last_saved_;
};

}  // namespace nnlab
