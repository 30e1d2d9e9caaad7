// Experiment — an experiment file read through the registries, checked, and written back resolved.
#include "nnlab/experiment/experiment.hpp"

#include <algorithm>
#include <limits>

#include "nnlab/config/toml_document.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/core/threads.hpp"
#include "nnlab/data/augment/augment_description.hpp"
#include "nnlab/data/data_source_description.hpp"
#include "nnlab/data/dataset_lookup.hpp"
#include "nnlab/experiment/experiment_setup.hpp"
#include "nnlab/experiment/setting_path.hpp"
#include "nnlab/layers/registry.hpp"
#include "nnlab/losses/loss.hpp"
#include "nnlab/optim/optimizer.hpp"
#include "nnlab/train/learning_rate_schedule.hpp"
#include "nnlab/train/metric_tracker.hpp"
#include "nnlab/train/test_time_augmentation.hpp"

namespace nnlab {
namespace {

using config::Description;
using config::Reader;

// The largest side an image folder's images may be resized to.
constexpr int64_t max_image_side = 16384;

void read_image_folder_keys(const Reader& data, Experiment& e, bool is_folder) {
    for (const char* key : {"image_size", "color_mode"}) {
        if (data.has(key) && !is_folder) {
            data.fail(key,
                      std::string("only for a folder of images; ") + e.dataset + " has its own image size and colours");
        }
    }
    if (const auto size = data.child("image_size")) {
        const auto side = [](const config::Description& v) {
            return v.is_number_integer() && v.get<int64_t>() >= 1 && v.get<int64_t>() <= max_image_side;
        };
        const config::Description& value = size->value();
        if (!value.is_array() || value.size() != 2 || !side(value[0]) || !side(value[1]))
            data.wrong_type("image_size", "[height, width], each from 1 to " + std::to_string(max_image_side));
        e.image_size = std::pair{value[0].get<int64_t>(), value[1].get<int64_t>()};
    }
    e.color_mode = data.string("color_mode").value_or(e.color_mode);
    if (e.color_mode != "rgb" && e.color_mode != "grayscale") data.wrong_type("color_mode", "\"rgb\" or \"grayscale\"");
}

void read_data(const Reader& data, Experiment& e) {
    data.reject_unknown({"dataset", "validation", "validation_split", "train_samples", "test_samples", "workers",
                         "image_size", "color_mode", "class_names", "label_column", "header", "skip_rows", "test_file",
                         "test_split", "split_seed"});
    e.dataset = data.string("dataset").value_or(e.dataset);
    // A known name, or a path: a folder of images (root/<class>/*.jpg), NumPy arrays or a CSV file, checked when
    // the data is loaded.
    const std::vector<std::string> known = known_datasets();
    const bool is_known = std::find(known.begin(), known.end(), e.dataset) != known.end();
    const bool looks_like_path = e.dataset.find('/') != std::string::npos || e.dataset.find('.') != std::string::npos;
    if (!is_known && !looks_like_path) {
        data.fail("dataset", "unknown dataset '" + e.dataset + "'; expected one of " + join(known) +
                                 ", or a path: a folder of images, NumPy arrays (.npz, or a folder of x_train.npy, "
                                 "…) or a .csv file");
    }
    const std::string kind = dataset_source_kind(e.dataset, std::nullopt);
    read_image_folder_keys(data, e, kind == "images");
    read_data_source_keys(data, kind, e.dataset, e.csv, e.class_names);
    e.validation = data.string("validation").value_or(e.validation);
    if (e.validation != "test" && e.validation != "split" && e.validation != "none") {
        data.wrong_type("validation",
                        "\"test\" (the test split), \"split\" (validation_split of the training set) or \"none\"");
    }
    if (e.validation == "split") {
        e.validation_split = data.number("validation_split").value_or(0.2);
        if (e.validation_split <= 0.0 || e.validation_split >= 1.0)
            data.wrong_type("validation_split", "a fraction in (0, 1)");
    } else if (data.has("validation_split")) {
        data.fail("validation_split", "only used with validation = \"split\"; validation is \"" + e.validation + "\"");
    }
    e.workers = static_cast<int>(data.integer("workers", 0, 64).value_or(e.workers));
    e.train_samples = data.positive_integer("train_samples");
    e.test_samples = data.positive_integer("test_samples");
}

void read_model(const Reader& model, Experiment& e) {
    model.reject_unknown({"input_shape", "layers", "init_from"});
    if (const auto dims = model.positive_integers("input_shape")) e.input_shape = Shape(*dims);
    if (const auto init = model.string("init_from")) {
        std::error_code error;
        if (!std::filesystem::is_regular_file(*init, error))
            model.fail("init_from",
                       "expected a model file (.safetensors) to start from, found no file \"" + *init + "\"");
        e.init_from = std::filesystem::absolute(*init);
    }
    model.require("layers", "expected an array of layer tables");
    const std::vector<Reader> layers = model.tables("layers");
    if (layers.empty()) model.fail("layers", "expected at least one layer, found an empty array");
    if (const size_t tables = count_layer_tables(model.value()["layers"]); tables > max_model_layers) {
        model.fail("layers", "describes " + std::to_string(tables) +
                                 " layers (nested ones counted); expected at most " + std::to_string(max_model_layers));
    }
    for (const Reader& layer : layers) e.layers.push_back(layer_description(*layer_from(layer)));
}

void read_train(const Reader& train, Experiment& e) {
    if (train.has("label_smoothing")) {
        train.fail("label_smoothing",
                   "is a setting of the loss: loss = { type = \"categorical_crossentropy\", label_smoothing = " +
                       config::describe(train.value()["label_smoothing"]) + " }");
    }
    train.reject_unknown({"loss", "batch_size", "epochs", "verbose", "shuffle", "metrics", "precision",
                          "state_every_steps", "state_every_minutes", "tta_level"});
    if (const auto precision = train.string("precision"))
        e.precision = train.located([&] { return precision_from_name(*precision); });
    if (const auto loss = train.child("loss")) e.loss = loss_description(*loss_from(*loss));
    e.batch_size = train.positive_integer("batch_size").value_or(e.batch_size);
    e.epochs = train
                   .number(
                       "epochs", [](double v) { return v > 0.0 && v <= max_epochs; },
                       "a number of epochs > 0 (a fraction ends the last one early), at most 1,000,000,000")
                   .value_or(e.epochs);
    e.verbose = static_cast<int>(train.integer("verbose", 0, 2).value_or(e.verbose));
    e.tta_level = static_cast<int>(train.integer("tta_level", 0, max_tta_level).value_or(e.tta_level));
    e.shuffle = train.boolean("shuffle").value_or(e.shuffle);
    e.state_every_steps = train.integer("state_every_steps", 0, int64_t{1} << 40).value_or(e.state_every_steps);
    e.state_every_minutes =
        train
            .number(
                "state_every_minutes", [](double v) { return v >= 0.0 && v <= 1e6; }, "0 to 1e6 minutes")
            .value_or(e.state_every_minutes);
    e.metrics = train.strings("metrics").value_or(e.metrics);
    train.located([&] { MetricTracker{e.metrics}; });
}

// The name becomes the run folder's (runs/<name>-<date>-<time>): one plain folder name, inside runs/.
void check_run_name(const Reader& root, const std::string& name) {
    const bool control =
        std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    const std::string expected = "a name for the run folder (no '/', not . or .., at most 128 bytes)";
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos || control ||
        name.size() > 128) {
        if (root.has("name")) root.wrong_type("name", expected);
        root.fail("", "the file's name \"" + name + "\" names the run; add name = \"...\", " + expected);
    }
}

// A loss without settings reads best as its name alone (loss = "hinge").
Description loss_for_toml(const Description& loss) {
    return loss.size() == 1 && loss.contains("type") ? loss["type"] : loss;
}

}  // namespace

Experiment load_experiment(const std::filesystem::path& file) {
    const config::Document document = config::read_toml_file(file);
    const Reader root = document.reader();
    if (root.has("sweep")) {
        root.fail("sweep", "this experiment compares several variants; run it with `nnlab compare " + file.string() +
                               "` (or remove [sweep] to train one model)");
    }
    return experiment_from(root, file);
}

Experiment load_experiment(const std::filesystem::path& file, const std::vector<SettingOverride>& overrides) {
    if (overrides.empty()) return load_experiment(file);
    config::Document document = config::read_toml_file(file);
    if (document.tree.contains("sweep")) {
        Reader(document.tree, "", &document.source)
            .fail("sweep", "this experiment compares several variants; run it with `nnlab compare " + file.string() +
                               "` (or remove [sweep] to train one model)");
    }
    std::vector<std::string> indexed;  // each override's path with layers by index, as errors name keys
    for (const SettingOverride& setting : overrides) {
        try {
            indexed.push_back(set_setting(document.tree, setting.path, setting.value));
        } catch (const KeyError& error) {
            throw KeyError(setting.path, "--set " + std::string(error.what()));
        }
    }
    try {
        return experiment_from(Reader(document.tree, "", &document.source), file);
    } catch (const config::ConfigError& error) {
        for (size_t i = 0; i < overrides.size(); ++i) {
            const SettingOverride& setting = overrides[i];
            const std::string& path = indexed[i];
            if (error.key() == path || error.key().starts_with(path + ".") || error.key().starts_with(path + "[")) {
                throw KeyError(setting.path,
                               "--set " + setting.path + "=" + config::describe(setting.value) + ": " + error.what());
            }
        }
        throw;
    }
}

Experiment experiment_from(const Reader& root, const std::filesystem::path& file) {
    root.reject_unknown(
        {"name", "seed", "threads", "data", "augment", "model", "train", "optimizer", "schedule", "callbacks"});
    Experiment e;
    e.file = file;
    if (root.source() != nullptr) e.source = std::make_shared<const config::Source>(*root.source());
    e.name = root.string("name").value_or(file.stem().string());
    check_run_name(root, e.name);
    e.seed = static_cast<uint64_t>(root.integer("seed", 0, max_experiment_seed).value_or(0));
    e.threads = static_cast<int>(root.integer("threads", 1, max_threads).value_or(0));
    if (const auto data = root.table("data")) read_data(*data, e);
    const auto model = root.table("model");
    if (!model) root.fail("model", "missing; expected a [model] table with layers");
    read_model(*model, e);
    if (!e.input_shape) e.input_shape = known_image_shape(e.dataset);
    if (!e.input_shape && e.image_size)  // a folder whose images are all resized: their shape is known now
        e.input_shape = Shape{e.image_size->first, e.image_size->second, e.color_mode == "rgb" ? 3 : 1};
    if (const auto augment = root.table("augment")) {
        e.augment = augment_config_from(*augment);
        // Its ranges, and those that depend on the image size, once the size is known.
        if (e.input_shape && e.input_shape->rank() == 3)
            augment->located([&] { Augmenter(*e.augment, *e.input_shape); });
    }
    e.loss = loss_description(*make_loss("categorical_crossentropy"));
    if (const auto train = root.table("train")) read_train(*train, e);

    // No [optimizer], or one without a type (`--set optimizer.learning_rate=…` on such a file), is Adam.
    const auto optimizer_description = root.table("optimizer");
    Description optimizer_table = optimizer_description ? optimizer_description->value() : Description::object();
    if (optimizer_table.is_object() && !optimizer_table.contains("type")) optimizer_table["type"] = "adam";
    const std::unique_ptr<Optimizer> optimizer = optimizer_from(
        Reader(optimizer_table, "optimizer", optimizer_description ? optimizer_description->source() : nullptr));
    e.optimizer = optimizer->config();
    std::string schedule_type;
    if (const auto schedule = root.table("schedule")) {
        const auto made = schedule_from(*schedule, optimizer->learning_rate());
        e.schedule = schedule_description(*made);
        schedule_type = made->type();
    }
    const LogKeys logs = expected_log_keys(e);
    const CallbackContext context{
        .run_folder = {}, .metadata = {}, .logs = &logs, .schedule = schedule_type, .reserved_files = run_files()};
    for (const Reader& table : root.tables("callbacks"))
        e.callbacks.push_back(callback_description(*callback_from(table, context)));

    // Build the model once so that a layer that does not fit its input is reported before any work (for an image
    // folder without model.input_shape, that waits until the images are loaded).
    if (e.input_shape) {
        try {
            build_layers(e, *e.input_shape);
        } catch (const config::ConfigError&) {
            throw;
        } catch (const LayerError& error) {
            model->tables("layers").at(error.index()).fail("", error.what());
        } catch (const KeyError& error) {
            model->rethrow(error);  // input_shape
        } catch (const Error& error) {
            model->fail("", error.what());
        }
    }
    return e;
}

void Experiment::fail(const std::string& key, const std::string& message) const {
    std::string where = file.string();
    if (source) {
        if (const int line = source->line_of(key); line > 0) where += ":" + std::to_string(line);
    }
    throw config::ConfigError(key, where + ": " + key + ": " + message);
}

Description Experiment::description() const {
    Description data{{"dataset", dataset}, {"validation", validation}, {"workers", workers}};
    if (validation == "split") data["validation_split"] = validation_split;
    if (train_samples) data["train_samples"] = *train_samples;
    if (test_samples) data["test_samples"] = *test_samples;
    if (image_size) data["image_size"] = {image_size->first, image_size->second};
    const std::string kind = dataset_source_kind(dataset, std::nullopt);
    if (kind == "images") data["color_mode"] = color_mode;
    const Description reading = data_source_description(kind, csv, class_names);
    for (auto it = reading.begin(); it != reading.end(); ++it) data[it.key()] = it.value();
    Description model{{"layers", layers}};
    if (input_shape) model["input_shape"] = input_shape->dims();
    if (init_from) model["init_from"] = init_from->string();
    Description root{{"name", name},
                     {"seed", seed},
                     {"data", data},
                     {"model", model},
                     {"train",
                      {{"loss", loss_for_toml(loss)},
                       {"batch_size", batch_size},
                       {"epochs", epochs == std::floor(epochs) ? Description(whole_epochs()) : Description(epochs)},
                       {"verbose", verbose},
                       {"tta_level", tta_level},
                       {"shuffle", shuffle},
                       {"state_every_steps", state_every_steps},
                       {"state_every_minutes", state_every_minutes},
                       {"metrics", metrics},
                       {"precision", precision_name(precision)}}},
                     {"optimizer", optimizer}};
    if (threads > 0) root["threads"] = threads;
    if (augment) root["augment"] = augment_description(*augment);
    if (schedule) root["schedule"] = *schedule;
    if (!callbacks.empty()) root["callbacks"] = callbacks;
    return root;
}

std::string Experiment::to_toml() const {
    return "# Resolved experiment: " + file.string() + " with defaults and command-line overrides applied.\n" +
           config::to_toml(description(), {"data", "augment", "model", "train", "optimizer", "schedule"});
}

}  // namespace nnlab
