// What an experiment builds once its file is read: the model, the augmentation, the callbacks and the data, each
// checked against the others before anything is written; and what a run of it writes and logs.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nnlab/data/augment/augment.hpp"
#include "nnlab/data/dataset.hpp"
#include "nnlab/experiment/experiment.hpp"
#include "nnlab/train/callback.hpp"
#include "nnlab/train/callbacks/callback_registry.hpp"
#include "nnlab/train/logs.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

// The model's layers on the images, checked as build_model checks them but not compiled: no weight is allocated
// or drawn, so checking a sweep of thousands of variants costs little.
std::unique_ptr<Sequential> build_layers(const Experiment& experiment, const Shape& image_shape);

// The model the experiment describes, compiled with its optimizer, loss, metrics, precision and seed. Throws
// LayerError for a layer that does not fit, or when training it at the batch size would need more memory than the
// machine has (before allocating any).
std::unique_ptr<Sequential> build_model(const Experiment& experiment, const Shape& image_shape);

// The experiment's augmentation for these training images, fitted to them when it standardises (Keras:
// datagen.fit(x_train)); none without an [augment] table.
std::optional<Augmenter> make_augmenter(const Experiment& experiment, const Dataset& train);

// Sets the layers that adapt to data (PatchWhitening; Keras's adapt()) from the first training images as training
// sees them: standardised by `augmenter` (or pixel / 255), without random transforms. Nothing for other models.
void adapt_model(Sequential& model, const Dataset& train, const Augmenter* augmenter);

// The files a run writes in its folder itself (config.toml, model.safetensors, …): a callback may not write over
// them.
const std::vector<std::string>& run_files();

// The keys fit() will log for this experiment: loss and the metrics, their val_ forms when there is validation
// data, and learning_rate.
LogKeys expected_log_keys(const Experiment& experiment);

// The callbacks the experiment names: the one carrying out [schedule] first, then [[callbacks]] in order, file
// names inside `context.run_folder`.
std::vector<std::unique_ptr<Callback>> make_experiment_callbacks(const Experiment& experiment,
                                                                 const CallbackContext& context);

// Throws nnlab::Error naming the experiment file unless its model takes the data's images and outputs its classes
// and its augmentation suits the images: what can only be checked once the data is loaded, and must be before
// anything is written.
void check_experiment_data(const Experiment& experiment, const DatasetSplits& data);

// The dataset the experiment names (looked up under `data_dir`, else $NNLAB_DATA, …), cut to its train_samples /
// test_samples.
DatasetSplits load_experiment_data(const Experiment& experiment, const std::optional<std::filesystem::path>& data_dir);

}  // namespace nnlab
