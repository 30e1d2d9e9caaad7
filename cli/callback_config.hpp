// Callback config — the [[callbacks]] tables of an experiment file, checked at load time, written back into the
// resolved config, and turned into the library's callbacks for a run.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <toml++/toml.h>

#include "cli/config_reader.hpp"
#include "nnlab/io/model_file.hpp"
#include "nnlab/train/callback.hpp"
#include "nnlab/train/callbacks/early_stopping.hpp"
#include "nnlab/train/callbacks/model_checkpoint.hpp"
#include "nnlab/train/callbacks/reduce_lr_on_plateau.hpp"

namespace nnlab::cli {

struct ModelCheckpointConfig {
    std::string filepath;  // relative: inside the run folder
    ModelCheckpointOptions options;
};
struct TerminateOnNaNConfig {};
struct CSVLoggerConfig {
    std::string filename;  // relative: inside the run folder
    std::string separator = ",";
    bool append = false;
};

// One [[callbacks]] table: type = "early_stopping" | "model_checkpoint" | "reduce_lr_on_plateau" |
// "terminate_on_nan" | "csv_logger", and that callback's Keras arguments.
using CallbackConfig = std::variant<EarlyStoppingOptions, ModelCheckpointConfig, ReduceLROnPlateauOptions,
                                    TerminateOnNaNConfig, CSVLoggerConfig>;

// What the run's logs will hold (loss, metrics, their val_ forms, learning_rate), to check monitors against.
struct LogKeys {
    std::vector<std::string> keys;
    bool has_validation = false;
};

// Checks every key, value and monitor of one table; errors name the file, line and key
// ("callbacks[1].patience"). `schedule` is the [schedule] type or empty: reduce_lr_on_plateau refuses one.
CallbackConfig read_callback_config(const ConfigReader& table, const LogKeys& logs, const std::string& schedule);

// The table with every default filled in, as the resolved config.toml holds it.
toml::table callback_config_to_toml(const CallbackConfig& config);

// The callbacks, file names resolved inside `run_folder`; checkpoints carry `metadata` (class names).
std::vector<std::unique_ptr<Callback>> make_callbacks(const std::vector<CallbackConfig>& configs,
                                                      const std::filesystem::path& run_folder,
                                                      const ModelMetadata& metadata);

}  // namespace nnlab::cli
