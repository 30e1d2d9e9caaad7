// Callback registry — the [[callbacks]] a description may name (Keras's callbacks by their snake-case names:
// early_stopping, model_checkpoint, reduce_lr_on_plateau, terminate_on_nan, csv_logger), built from their
// descriptions and described back.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "nnlab/config/reader.hpp"
#include "nnlab/config/registry.hpp"
#include "nnlab/io/model_file.hpp"
#include "nnlab/train/callback.hpp"
#include "nnlab/train/logs.hpp"

namespace nnlab {

// What a callback's description is read against besides its own keys.
struct CallbackContext {
    std::filesystem::path run_folder;  // relative file names (filepath, filename) are inside it; empty: as written
    ModelMetadata metadata;            // written into each checkpoint with the model
    // When given, a monitor (or a checkpoint file name's field) the run will never log is refused up front.
    const LogKeys* logs = nullptr;
    std::string schedule;  // the run's [schedule] type, if any: reduce_lr_on_plateau refuses to fight it
    // The files the run writes in run_folder itself. When given (an experiment's run), a callback's file must be a
    // relative name that stays inside the run folder and is none of these.
    std::vector<std::string> reserved_files;
};

using CallbackRegistry = config::Registry<Callback, CallbackContext>;
CallbackRegistry& callback_registry();

// From a description {"type": "early_stopping", "patience": 5, …}; every key, value and monitor is checked
// (config::ConfigError naming the key).
std::unique_ptr<Callback> callback_from(const config::Reader& description, const CallbackContext& context);
// {"type", and config()}, what callback_from reads back (file names as they were given, when run_folder was
// empty).
config::Description callback_description(const Callback& callback);

}  // namespace nnlab
