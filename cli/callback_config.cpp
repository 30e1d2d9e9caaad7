// Callback config — [[callbacks]] tables read, written back and made into callbacks.
#include "cli/callback_config.hpp"

#include <algorithm>

#include "nnlab/core/error.hpp"
#include "nnlab/train/callbacks/checkpoint_path.hpp"
#include "nnlab/train/callbacks/csv_logger.hpp"
#include "nnlab/train/callbacks/terminate_on_nan.hpp"

namespace nnlab::cli {
namespace {

std::string join(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
    return text;
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

// A monitor the run will never log is a typo (or val_* without validation): say so now, not after an epoch.
void check_logged(const ConfigReader& table, const std::string& key, const std::string& name, const LogKeys& logs) {
    if (contains(logs.keys, name)) return;
    std::string hint;
    if (name.rfind("val_", 0) == 0 && !logs.has_validation)
        hint = " (val_ keys need validation data: [data] validation)";
    table.fail(key, "'" + name + "' is not in the logs" + hint + "; they hold " + join(logs.keys));
}

int non_negative_int(const ConfigReader& table, const std::string& key, int fallback) {
    const int64_t value = table.integer(key).value_or(fallback);
    if (value < 0 || value > 1'000'000) table.fail(key, "expected an integer >= 0, found " + std::to_string(value));
    return static_cast<int>(value);
}

std::string mode(const ConfigReader& table, const std::string& fallback) {
    const std::string value = table.string("mode").value_or(fallback);
    if (value != "auto" && value != "min" && value != "max")
        table.fail("mode", "expected \"auto\", \"min\" or \"max\", found \"" + value + "\"");
    return value;
}

EarlyStoppingOptions read_early_stopping(const ConfigReader& t, const LogKeys& logs) {
    t.reject_unknown(
        {"type", "monitor", "min_delta", "patience", "mode", "baseline", "restore_best_weights", "start_from_epoch"});
    EarlyStoppingOptions o;
    o.monitor = t.string("monitor").value_or(o.monitor);
    check_logged(t, "monitor", o.monitor, logs);
    o.min_delta = t.number("min_delta").value_or(o.min_delta);
    o.patience = non_negative_int(t, "patience", o.patience);
    o.mode = mode(t, o.mode);
    o.baseline = t.number("baseline");
    o.restore_best_weights = t.boolean("restore_best_weights").value_or(o.restore_best_weights);
    o.start_from_epoch = non_negative_int(t, "start_from_epoch", o.start_from_epoch);
    try {
        EarlyStopping{o};
    } catch (const KeyError& error) {
        t.rethrow(error);
    }
    return o;
}

ModelCheckpointConfig read_model_checkpoint(const ConfigReader& t, const LogKeys& logs) {
    t.reject_unknown({"type", "filepath", "monitor", "save_best_only", "mode", "save_freq"});
    ModelCheckpointConfig c;
    c.filepath = t.require_string("filepath");
    ModelCheckpointOptions& o = c.options;
    o.monitor = t.string("monitor").value_or(o.monitor);
    o.save_best_only = t.boolean("save_best_only").value_or(o.save_best_only);
    if (o.save_best_only) check_logged(t, "monitor", o.monitor, logs);
    o.mode = mode(t, o.mode);
    if (t.has("save_freq")) {
        if (t.holds_string("save_freq")) {
            if (*t.string("save_freq") != "epoch")
                t.fail("save_freq",
                       "expected \"epoch\" or a positive number of batches, found \"" + *t.string("save_freq") + "\"");
        } else {
            o.save_freq = *t.positive_integer("save_freq");
        }
    }
    try {
        ModelCheckpoint{c.filepath, o};
        for (const std::string& field : checkpoint_path_fields(c.filepath)) {
            if (field == "epoch" || (field == "batch" && o.save_freq > 0)) continue;
            if (!contains(logs.keys, field)) {
                t.fail("filepath", "unknown field {" + field + "}; the fields are epoch" +
                                       (o.save_freq > 0 ? ", batch, " : ", ") + join(logs.keys));
            }
        }
    } catch (const KeyError& error) {
        t.rethrow(error);
    }
    return c;
}

ReduceLROnPlateauOptions read_reduce_lr_on_plateau(const ConfigReader& t, const LogKeys& logs,
                                                   const std::string& schedule) {
    t.reject_unknown({"type", "monitor", "factor", "patience", "mode", "min_delta", "cooldown", "min_lr"});
    // Both would set the rate: a per-step schedule leaves none to reduce, and step_decay overwrites every
    // reduction at the next epoch's start.
    if (!schedule.empty()) {
        t.fail("type", "reduce_lr_on_plateau and [schedule] (" + schedule +
                           ") would both set the learning rate; use one of them");
    }
    ReduceLROnPlateauOptions o;
    o.monitor = t.string("monitor").value_or(o.monitor);
    check_logged(t, "monitor", o.monitor, logs);
    o.factor = t.number("factor").value_or(o.factor);
    o.patience = non_negative_int(t, "patience", o.patience);
    o.mode = mode(t, o.mode);
    o.min_delta = t.number("min_delta").value_or(o.min_delta);
    o.cooldown = non_negative_int(t, "cooldown", o.cooldown);
    o.min_lr = t.number("min_lr").value_or(o.min_lr);
    try {
        ReduceLROnPlateau{o};
    } catch (const KeyError& error) {
        t.rethrow(error);
    }
    return o;
}

CSVLoggerConfig read_csv_logger(const ConfigReader& t) {
    t.reject_unknown({"type", "filename", "separator", "append"});
    CSVLoggerConfig c;
    c.filename = t.require_string("filename");
    if (c.filename.empty()) t.fail("filename", "expected a file name, found \"\"");
    c.separator = t.string("separator").value_or(c.separator);
    c.append = t.boolean("append").value_or(c.append);
    try {
        CSVLogger{c.filename, c.separator, c.append};
    } catch (const KeyError& error) {
        t.rethrow(error);
    }
    return c;
}

std::filesystem::path inside(const std::filesystem::path& folder, const std::string& name) {
    const std::filesystem::path path(name);
    return path.is_absolute() ? path : folder / path;
}

}  // namespace

CallbackConfig read_callback_config(const ConfigReader& table, const LogKeys& logs, const std::string& schedule) {
    const std::string type = table.require_string("type");
    if (type == "early_stopping") return read_early_stopping(table, logs);
    if (type == "model_checkpoint") return read_model_checkpoint(table, logs);
    if (type == "reduce_lr_on_plateau") return read_reduce_lr_on_plateau(table, logs, schedule);
    if (type == "terminate_on_nan") {
        table.reject_unknown({"type"});
        return TerminateOnNaNConfig{};
    }
    if (type == "csv_logger") return read_csv_logger(table);
    table.fail("type", "unknown callback '" + type +
                           "'; expected one of early_stopping, model_checkpoint, reduce_lr_on_plateau, "
                           "terminate_on_nan, csv_logger");
}

toml::table callback_config_to_toml(const CallbackConfig& config) {
    struct Writer {
        toml::table operator()(const EarlyStoppingOptions& o) const {
            toml::table t{{"type", "early_stopping"},
                          {"monitor", o.monitor},
                          {"min_delta", o.min_delta},
                          {"patience", o.patience},
                          {"mode", o.mode}};
            if (o.baseline) t.insert("baseline", *o.baseline);
            t.insert("restore_best_weights", o.restore_best_weights);
            t.insert("start_from_epoch", o.start_from_epoch);
            return t;
        }
        toml::table operator()(const ModelCheckpointConfig& c) const {
            toml::table t{{"type", "model_checkpoint"},
                          {"filepath", c.filepath},
                          {"monitor", c.options.monitor},
                          {"save_best_only", c.options.save_best_only},
                          {"mode", c.options.mode}};
            if (c.options.save_freq > 0)
                t.insert("save_freq", c.options.save_freq);
            else
                t.insert("save_freq", "epoch");
            return t;
        }
        toml::table operator()(const ReduceLROnPlateauOptions& o) const {
            return toml::table{{"type", "reduce_lr_on_plateau"}, {"monitor", o.monitor}, {"factor", o.factor},
                               {"patience", o.patience},         {"mode", o.mode},       {"min_delta", o.min_delta},
                               {"cooldown", o.cooldown},         {"min_lr", o.min_lr}};
        }
        toml::table operator()(const TerminateOnNaNConfig&) const { return toml::table{{"type", "terminate_on_nan"}}; }
        toml::table operator()(const CSVLoggerConfig& c) const {
            return toml::table{
                {"type", "csv_logger"}, {"filename", c.filename}, {"separator", c.separator}, {"append", c.append}};
        }
    };
    return std::visit(Writer{}, config);
}

std::vector<std::unique_ptr<Callback>> make_callbacks(const std::vector<CallbackConfig>& configs,
                                                      const std::filesystem::path& run_folder,
                                                      const ModelMetadata& metadata) {
    struct Maker {
        const std::filesystem::path& folder;
        const ModelMetadata& metadata;
        std::unique_ptr<Callback> operator()(const EarlyStoppingOptions& o) const {
            return std::make_unique<EarlyStopping>(o);
        }
        std::unique_ptr<Callback> operator()(const ModelCheckpointConfig& c) const {
            ModelCheckpointOptions options = c.options;
            options.metadata = metadata;
            // The folder's own braces are not fields.
            std::string escaped;
            for (char ch : folder.string()) escaped += ch == '{' ? "{{" : ch == '}' ? "}}" : std::string(1, ch);
            const std::filesystem::path path(c.filepath);
            return std::make_unique<ModelCheckpoint>(
                path.is_absolute() ? c.filepath : (std::filesystem::path(escaped) / path).string(), options);
        }
        std::unique_ptr<Callback> operator()(const ReduceLROnPlateauOptions& o) const {
            return std::make_unique<ReduceLROnPlateau>(o);
        }
        std::unique_ptr<Callback> operator()(const TerminateOnNaNConfig&) const {
            return std::make_unique<TerminateOnNaN>();
        }
        std::unique_ptr<Callback> operator()(const CSVLoggerConfig& c) const {
            return std::make_unique<CSVLogger>(inside(folder, c.filename), c.separator, c.append);
        }
    };
    std::vector<std::unique_ptr<Callback>> callbacks;
    for (const CallbackConfig& config : configs) callbacks.push_back(std::visit(Maker{run_folder, metadata}, config));
    return callbacks;
}

}  // namespace nnlab::cli
