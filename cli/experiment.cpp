// Experiment — one training run as a TOML file describes it, validated before anything runs.
#include "cli/experiment.hpp"

#include <algorithm>
#include <sstream>

#include <toml++/toml.h>

#include "cli/augment_config.hpp"
#include "cli/config_reader.hpp"
#include "cli/schedule_config.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/data/dataset_lookup.hpp"
#include "nnlab/layers/registry.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/losses/loss.hpp"
#include "nnlab/train/metric_tracker.hpp"

namespace nnlab::cli {
namespace {

void read_data(const ConfigReader& data, Experiment& e) {
    data.reject_unknown({"dataset", "validation", "validation_split", "train_samples", "test_samples", "workers"});
    e.dataset = data.string("dataset").value_or(e.dataset);
    // A known name, or a folder of images (root/<class>/*.jpg), checked when the data is loaded.
    const std::vector<std::string> known = known_datasets();
    const bool is_known = std::find(known.begin(), known.end(), e.dataset) != known.end();
    const bool looks_like_path = e.dataset.find('/') != std::string::npos || e.dataset.find('.') == 0;
    if (!is_known && !looks_like_path) {
        std::string list;
        for (const auto& name : known) list += (list.empty() ? "" : ", ") + name;
        data.fail("dataset",
                  "unknown dataset '" + e.dataset + "'; expected one of " + list + ", or a folder of images");
    }
    e.validation = data.string("validation").value_or(e.validation);
    if (e.validation != "test" && e.validation != "split" && e.validation != "none") {
        data.fail("validation",
                  "expected \"test\" (the test split), \"split\" (validation_split of the training set) "
                  "or \"none\", found \"" +
                      e.validation + "\"");
    }
    if (e.validation == "split") {
        e.validation_split = data.number("validation_split").value_or(0.2);
        if (e.validation_split <= 0.0 || e.validation_split >= 1.0) {
            data.fail("validation_split", "expected a fraction in (0, 1), found " + std::to_string(e.validation_split));
        }
    } else if (data.has("validation_split")) {
        data.fail("validation_split", "only used with validation = \"split\"; validation is \"" + e.validation + "\"");
    }
    if (auto workers = data.integer("workers")) {
        if (*workers < 0 || *workers > 64)
            data.fail("workers", "expected 0 to 64 threads, found " + std::to_string(*workers));
        e.workers = static_cast<int>(*workers);
    }
    e.train_samples = data.positive_integer("train_samples");
    e.test_samples = data.positive_integer("test_samples");
}

void read_model(const ConfigReader& model, Experiment& e) {
    model.reject_unknown({"input_shape", "layers"});
    if (auto dims = model.integers("input_shape")) e.input_shape = Shape(*dims);
    if (!model.has("layers")) model.fail("layers", "missing; expected an array of layer tables");
    const std::vector<ConfigReader> layers = model.tables("layers");
    if (layers.empty()) model.fail("layers", "expected at least one layer, found an empty array");
    for (const ConfigReader& layer : layers) {
        nlohmann::json spec = layer.to_json();
        try {
            make_layer(spec);  // checks the type, every key and value
        } catch (const KeyError& error) {
            layer.rethrow(error);
        }
        e.layers.push_back(std::move(spec));
    }
}

void read_train(const ConfigReader& train, Experiment& e) {
    train.reject_unknown(
        {"loss", "batch_size", "epochs", "verbose", "shuffle", "metrics", "label_smoothing", "precision"});
    if (auto precision = train.string("precision")) {
        try {
            e.precision = precision_from_name(*precision);
        } catch (const KeyError& error) {
            train.rethrow(error);
        }
    }
    e.loss = train.string("loss").value_or(e.loss);
    std::string loss_name;
    try {
        loss_name = make_loss(e.loss)->name();
    } catch (const KeyError& error) {
        train.rethrow(error);
    }
    e.label_smoothing = train.number("label_smoothing").value_or(e.label_smoothing);
    if (e.label_smoothing != 0.0 && loss_name != "categorical_crossentropy") {
        train.fail("label_smoothing", "only categorical_crossentropy smooths labels; loss is " + e.loss);
    }
    try {
        CategoricalCrossentropy{e.label_smoothing};
    } catch (const KeyError& error) {
        train.rethrow(error);
    }
    e.batch_size = train.positive_integer("batch_size").value_or(e.batch_size);
    e.epochs = static_cast<int>(train.positive_integer("epochs").value_or(e.epochs));
    e.verbose = static_cast<int>(train.integer("verbose").value_or(e.verbose));
    if (e.verbose < 0 || e.verbose > 2) train.fail("verbose", "expected 0, 1 or 2, found " + std::to_string(e.verbose));
    e.shuffle = train.boolean("shuffle").value_or(e.shuffle);
    e.metrics = train.strings("metrics").value_or(e.metrics);
    try {
        MetricTracker{e.metrics};
    } catch (const KeyError& error) {
        train.rethrow(error);
    }
}

toml::array json_array_to_toml(const nlohmann::json& json);

toml::table json_to_toml(const nlohmann::json& json) {
    toml::table table;
    for (const auto& [key, value] : json.items()) {
        if (value.is_string())
            table.insert(key, value.get<std::string>());
        else if (value.is_boolean())
            table.insert(key, value.get<bool>());
        else if (value.is_number_integer())
            table.insert(key, value.get<int64_t>());
        else if (value.is_number())
            table.insert(key, value.get<double>());
        else if (value.is_array())
            table.insert(key, json_array_to_toml(value));
        else if (value.is_object())
            table.insert(key, json_to_toml(value));
    }
    return table;
}

toml::array json_array_to_toml(const nlohmann::json& json) {
    toml::array array;
    for (const auto& value : json) {
        if (value.is_string())
            array.push_back(value.get<std::string>());
        else if (value.is_number_integer())
            array.push_back(value.get<int64_t>());
        else if (value.is_number())
            array.push_back(value.get<double>());
        else if (value.is_boolean())
            array.push_back(value.get<bool>());
        else if (value.is_object())
            array.push_back(json_to_toml(value));
    }
    return array;
}

}  // namespace

toml::table parse_experiment_file(const std::filesystem::path& file) {
    try {
        return toml::parse_file(file.string());
    } catch (const toml::parse_error& error) {
        const auto& where = error.source().begin;
        if (!std::filesystem::exists(file)) throw Error(file.string() + ": no such file");
        throw Error(file.string() + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                    ": not valid TOML: " + std::string(error.description()));
    }
}

Experiment load_experiment(const std::filesystem::path& file) {
    const toml::table root = parse_experiment_file(file);
    if (root.contains("sweep")) {
        const ConfigReader reader(root, file.string(), "");
        reader.fail("sweep", "this experiment compares several variants; run it with `nnlab compare " + file.string() +
                                 "` (or remove [sweep] to train one model)");
    }
    return experiment_from_table(root, file);
}

Experiment experiment_from_table(const toml::table& root, const std::filesystem::path& file) {
    const ConfigReader reader(root, file.string(), "");
    reader.reject_unknown({"name", "seed", "data", "augment", "model", "train", "optimizer", "schedule", "callbacks"});

    Experiment e;
    e.file = file;
    e.name = reader.string("name").value_or(file.stem().string());
    if (auto seed = reader.integer("seed")) {
        if (*seed < 0) reader.fail("seed", "expected a non-negative integer, found " + std::to_string(*seed));
        e.seed = static_cast<uint64_t>(*seed);
    }
    if (auto data = reader.table("data")) read_data(*data, e);
    if (auto augment = reader.table("augment")) e.augment = read_augment_config(*augment);
    const auto model = reader.table("model");
    if (!model) reader.fail("model", "missing; expected a [model] table with layers");
    read_model(*model, e);
    if (auto train = reader.table("train")) read_train(*train, e);
    if (auto optimizer = reader.table("optimizer")) {
        e.optimizer = optimizer->to_json();
        if (!e.optimizer.contains("type"))
            optimizer->fail("type", "missing; expected one of sgd, rmsprop, adam, adamw");
        try {
            make_optimizer(e.optimizer);
        } catch (const KeyError& error) {
            optimizer->rethrow(error);
        }
    }
    if (auto schedule = reader.table("schedule")) {
        std::optional<double> learning_rate;
        if (auto lr = e.optimizer.find("learning_rate"); lr != e.optimizer.end()) learning_rate = lr->get<double>();
        e.schedule = read_schedule_config(*schedule, learning_rate);
    }
    const LogKeys logs = expected_log_keys(e);
    for (const ConfigReader& table : reader.tables("callbacks"))
        e.callbacks.push_back(read_callback_config(table, logs, e.schedule ? e.schedule->type : ""));
    if (!e.input_shape) e.input_shape = known_image_shape(e.dataset);
    // Build the model once so that a layer that does not fit its input is reported before any work
    // (for an image folder without model.input_shape, that waits until the images are loaded).
    if (e.input_shape) {
        try {
            build_model(e, *e.input_shape);
        } catch (const Error& error) {
            throw Error(file.string() + ": model: " + error.what());
        }
    }
    return e;
}

std::unique_ptr<Sequential> build_model(const Experiment& experiment, const Shape& image_shape) {
    auto model = std::make_unique<Sequential>();
    model->add(Input{experiment.input_shape.value_or(image_shape)});
    for (const nlohmann::json& spec : experiment.layers) model->add(make_layer(spec));
    auto optimizer = make_optimizer(experiment.optimizer);
    if (experiment.schedule) set_per_step_schedule(*experiment.schedule, *optimizer);
    std::unique_ptr<Loss> loss = make_loss(experiment.loss);
    if (experiment.label_smoothing != 0.0) loss = std::make_unique<CategoricalCrossentropy>(experiment.label_smoothing);
    model->compile(std::move(optimizer), std::move(loss),
                   {.seed = experiment.seed, .metrics = experiment.metrics, .precision = experiment.precision});
    return model;
}

std::vector<std::unique_ptr<Callback>> schedule_callbacks(const Experiment& experiment) {
    if (!experiment.schedule) return {};
    return make_schedule_callbacks(*experiment.schedule);
}

LogKeys expected_log_keys(const Experiment& experiment) {
    LogKeys logs;
    logs.has_validation = experiment.validation != "none";
    logs.keys.push_back("loss");
    for (const std::string& metric : experiment.metrics) logs.keys.push_back(metric);
    if (logs.has_validation) {
        logs.keys.push_back("val_loss");
        for (const std::string& metric : experiment.metrics) logs.keys.push_back("val_" + metric);
    }
    logs.keys.push_back("learning_rate");
    return logs;
}

std::string Experiment::to_toml() const {
    toml::table root;
    root.insert("name", name);
    root.insert("seed", static_cast<int64_t>(seed));
    toml::table data{{"dataset", dataset}, {"validation", validation}};
    if (validation == "split") data.insert("validation_split", validation_split);
    data.insert("workers", workers);
    if (train_samples) data.insert("train_samples", *train_samples);
    if (test_samples) data.insert("test_samples", *test_samples);
    root.insert("data", std::move(data));
    if (augment) root.insert("augment", augment_config_to_toml(*augment));
    toml::table model;
    if (input_shape) {
        toml::array dims;
        for (int64_t d : input_shape->dims()) dims.push_back(d);
        model.insert("input_shape", std::move(dims));
    }
    toml::array layer_tables;
    for (const auto& spec : layers) layer_tables.push_back(json_to_toml(spec));
    model.insert("layers", std::move(layer_tables));
    root.insert("model", std::move(model));
    root.insert("train", toml::table{{"loss", loss},
                                     {"batch_size", batch_size},
                                     {"epochs", epochs},
                                     {"verbose", verbose},
                                     {"shuffle", shuffle},
                                     {"label_smoothing", label_smoothing},
                                     {"precision", precision_name(precision)}});
    toml::array metric_names;
    for (const std::string& m : metrics) metric_names.push_back(m);
    root.get_as<toml::table>("train")->insert("metrics", std::move(metric_names));
    root.insert("optimizer", json_to_toml(optimizer));
    if (schedule) root.insert("schedule", schedule_config_to_toml(*schedule));
    if (!callbacks.empty()) {
        toml::array tables;
        for (const CallbackConfig& c : callbacks) tables.push_back(callback_config_to_toml(c));
        root.insert("callbacks", std::move(tables));
    }
    std::ostringstream text;
    text << "# Resolved experiment: " << file.string() << " with defaults and command-line overrides applied.\n"
         << root << "\n";
    return text.str();
}

}  // namespace nnlab::cli
