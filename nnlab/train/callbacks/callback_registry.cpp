// Callback registry — the built-in callbacks, read from their descriptions.
#include "nnlab/train/callbacks/callback_registry.hpp"

#include <algorithm>
#include <limits>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/train/callbacks/checkpoint_path.hpp"
#include "nnlab/train/callbacks/csv_logger.hpp"
#include "nnlab/train/callbacks/early_stopping.hpp"
#include "nnlab/train/callbacks/lookahead_ema.hpp"
#include "nnlab/train/callbacks/model_checkpoint.hpp"
#include "nnlab/train/callbacks/reduce_lr_on_plateau.hpp"
#include "nnlab/train/callbacks/terminate_on_nan.hpp"

namespace nnlab {
namespace {

using config::Reader;

bool logged(const LogKeys& logs, const std::string& key) {
    return std::find(logs.keys.begin(), logs.keys.end(), key) != logs.keys.end();
}

// A monitor the run will never log is a typo (or val_* without validation): say so now, not after an epoch.
void check_logged(const Reader& d, const std::string& key, const std::string& name, const CallbackContext& context) {
    if (context.logs == nullptr || logged(*context.logs, name)) return;
    std::string hint;
    if (name.rfind("val_", 0) == 0 && !context.logs->has_validation)
        hint = " (val_ keys need validation data: [data] validation)";
    d.fail(key, "'" + name + "' is not in the logs" + hint + "; they hold " + join(context.logs->keys));
}

// A number of epochs (patience, cooldown): an integer >= 0 that fits an int.
int count(const Reader& d, const std::string& key, int fallback) {
    const auto value = d.integer(key);
    if (!value) return fallback;
    if (*value < 0 || *value > 1'000'000'000) d.wrong_type(key, "an integer >= 0");
    return static_cast<int>(*value);
}

std::string mode(const Reader& d, const std::string& fallback) {
    const std::string value = d.string("mode").value_or(fallback);
    if (value != "auto" && value != "min" && value != "max") d.wrong_type("mode", "\"auto\", \"min\" or \"max\"");
    return value;
}

// In an experiment's run, what a callback writes stays inside the run folder and leaves the run's own files alone.
void check_run_file(const Reader& d, const std::string& key, const std::string& name, const CallbackContext& context) {
    if (context.reserved_files.empty()) return;
    const std::filesystem::path path(name);
    const std::string expected = "expected a file name inside the run folder, found \"" + name + "\"";
    if (path.is_absolute()) d.fail(key, expected + ", an absolute path");
    for (const auto& part : path)
        if (part == "..") d.fail(key, expected + ", which leads out of it (..)");
    const std::string normal = path.lexically_normal().string();
    if (std::find(context.reserved_files.begin(), context.reserved_files.end(), normal) !=
        context.reserved_files.end()) {
        d.fail(key, "\"" + name + "\" is a file the run writes itself (" + join(context.reserved_files) +
                        "); choose another name");
    }
}

// The run folder's own braces are not fields of a checkpoint's file name.
std::string escaped_braces(const std::string& text) {
    std::string out;
    for (char c : text) out += c == '{' ? "{{" : c == '}' ? "}}" : std::string(1, c);
    return out;
}

std::unique_ptr<Callback> early_stopping_from(const Reader& d, const CallbackContext& context) {
    EarlyStoppingOptions o;
    o.monitor = d.string("monitor").value_or(o.monitor);
    check_logged(d, "monitor", o.monitor, context);
    o.min_delta = d.number("min_delta").value_or(o.min_delta);
    o.patience = count(d, "patience", o.patience);
    o.mode = mode(d, o.mode);
    o.baseline = d.number("baseline");
    o.restore_best_weights = d.boolean("restore_best_weights").value_or(o.restore_best_weights);
    o.start_from_epoch = count(d, "start_from_epoch", o.start_from_epoch);
    return std::make_unique<EarlyStopping>(o);
}

std::unique_ptr<Callback> lookahead_ema_from(const Reader& d, const CallbackContext&) {
    LookaheadEmaOptions o;
    o.start_epoch = count(d, "start_epoch", o.start_epoch);
    o.every_steps = count(d, "every_steps", o.every_steps);
    o.decay = d.number("decay").value_or(o.decay);
    o.decay_power = d.number("decay_power").value_or(o.decay_power);
    return d.located([&] { return std::make_unique<LookaheadEma>(o); });
}

std::unique_ptr<Callback> model_checkpoint_from(const Reader& d, const CallbackContext& context) {
    const std::string filepath = d.require_string("filepath");
    ModelCheckpointOptions o;
    o.monitor = d.string("monitor").value_or(o.monitor);
    o.save_best_only = d.boolean("save_best_only").value_or(o.save_best_only);
    if (o.save_best_only) check_logged(d, "monitor", o.monitor, context);
    o.mode = mode(d, o.mode);
    if (const auto freq = d.child("save_freq")) {
        const config::Description& value = freq->value();
        if (value.is_number_integer() && value.get<int64_t>() > 0)
            o.save_freq = value.get<int64_t>();
        else if (!(value.is_string() && value.get<std::string>() == "epoch"))
            d.wrong_type("save_freq", "\"epoch\" or a positive number of batches");
    }
    o.metadata = context.metadata;
    if (filepath.empty()) d.fail("filepath", "expected a file name, found \"\"");
    check_run_file(d, "filepath", filepath, context);
    for (const std::string& field : d.located([&] { return checkpoint_path_fields(filepath); })) {
        if (field == "epoch" || (field == "batch" && o.save_freq > 0)) continue;
        if (context.logs != nullptr && !logged(*context.logs, field)) {
            d.fail("filepath", "unknown field {" + field + "}; the fields are epoch" +
                                   (o.save_freq > 0 ? ", batch, " : ", ") + join(context.logs->keys));
        }
    }
    const std::filesystem::path path(filepath);
    const std::string resolved =
        path.is_absolute() || context.run_folder.empty()
            ? filepath
            : (std::filesystem::path(escaped_braces(context.run_folder.string())) / path).string();
    return std::make_unique<ModelCheckpoint>(resolved, o);
}

std::unique_ptr<Callback> reduce_lr_on_plateau_from(const Reader& d, const CallbackContext& context) {
    // Both would set the rate: a per-step schedule leaves none to reduce, and step_decay overwrites every
    // reduction at the next epoch's start.
    if (!context.schedule.empty()) {
        d.fail("type", "reduce_lr_on_plateau and [schedule] (" + context.schedule +
                           ") would both set the learning rate; use one of them");
    }
    ReduceLROnPlateauOptions o;
    o.monitor = d.string("monitor").value_or(o.monitor);
    check_logged(d, "monitor", o.monitor, context);
    o.factor = d.number("factor").value_or(o.factor);
    o.patience = count(d, "patience", o.patience);
    o.mode = mode(d, o.mode);
    o.min_delta = d.number("min_delta").value_or(o.min_delta);
    o.cooldown = count(d, "cooldown", o.cooldown);
    o.min_lr = d.number("min_lr").value_or(o.min_lr);
    return std::make_unique<ReduceLROnPlateau>(o);
}

std::unique_ptr<Callback> csv_logger_from(const Reader& d, const CallbackContext& context) {
    const std::string filename = d.require_string("filename");
    if (filename.empty()) d.fail("filename", "expected a file name, found \"\"");
    check_run_file(d, "filename", filename, context);
    const std::filesystem::path path(filename);
    return std::make_unique<CSVLogger>(path.is_absolute() ? path : context.run_folder / path,
                                       d.string("separator").value_or(","), d.boolean("append").value_or(false));
}

void register_builtin_callbacks(CallbackRegistry& registry) {
    registry.add({"early_stopping",
                  {"monitor", "min_delta", "patience", "mode", "baseline", "restore_best_weights", "start_from_epoch"},
                  early_stopping_from,
                  {"EarlyStopping"}});
    registry.add({"lookahead_ema", {"start_epoch", "every_steps", "decay", "decay_power"}, lookahead_ema_from, {}});
    registry.add({"model_checkpoint",
                  {"filepath", "monitor", "save_best_only", "mode", "save_freq"},
                  model_checkpoint_from,
                  {"ModelCheckpoint"}});
    registry.add({"reduce_lr_on_plateau",
                  {"monitor", "factor", "patience", "mode", "min_delta", "cooldown", "min_lr"},
                  reduce_lr_on_plateau_from,
                  {"ReduceLROnPlateau"}});
    registry.add({"terminate_on_nan",
                  {},
                  [](const Reader&, const CallbackContext&) -> std::unique_ptr<Callback> {
                      return std::make_unique<TerminateOnNaN>();
                  },
                  {"TerminateOnNaN"}});
    registry.add({"csv_logger", {"filename", "separator", "append"}, csv_logger_from, {"CSVLogger"}});
}

}  // namespace

CallbackRegistry& callback_registry() {
    static CallbackRegistry registry("callback");
    static const bool registered = (register_builtin_callbacks(registry), true);
    (void)registered;
    return registry;
}

std::unique_ptr<Callback> callback_from(const config::Reader& description, const CallbackContext& context) {
    return callback_registry().make(description, context);
}

config::Description callback_description(const Callback& callback) {
    config::Description description = callback.config();
    description["type"] = callback.type();
    return description;
}

}  // namespace nnlab
