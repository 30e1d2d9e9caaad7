// Experiment — one training run as a TOML file describes it, validated before anything runs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include "cli/callback_config.hpp"
#include "cli/schedule_config.hpp"
#include "nnlab/core/shape.hpp"
#include "nnlab/data/augment.hpp"
#include "nnlab/optim/optimizer.hpp"
#include "nnlab/train/callback.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab::cli {

struct Experiment {
    std::filesystem::path file;
    std::string name;  // defaults to the file's stem
    uint64_t seed = 0;

    // [data]
    std::string dataset = "cifar10";
    std::string validation = "test";  // "test": the test split; "split": the last validation_split of train; "none"
    double validation_split = 0.0;    // with validation = "split" (default 0.2)
    int workers = 0;                  // threads building batches ahead of training (0: in its thread)
    std::optional<int64_t> train_samples;  // use only the first N training images
    std::optional<int64_t> test_samples;   // use only the first N test images

    // [augment]: the seed's ImageDataGenerator arguments; absent means plain pixel / 255
    std::optional<AugmentConfig> augment;

    // [model]
    std::optional<Shape> input_shape;    // defaults to the dataset's image shape
    std::vector<nlohmann::json> layers;  // specs for make_layer, checked at parse time

    // [train]
    std::string loss = "categorical_crossentropy";
    int64_t batch_size = 32;
    int epochs = 1;
    int verbose = 1;
    bool shuffle = true;
    std::vector<std::string> metrics = {"accuracy"};  // tracked each epoch (Keras: compile(metrics=...))
    double label_smoothing = 0.0;                     // categorical_crossentropy only
    Precision precision = Precision::float32;         // "bfloat16": GEMMs and convolutions in bfloat16

    // [optimizer], [schedule]
    nlohmann::json optimizer = {{"type", "adam"}};
    std::optional<ScheduleConfig> schedule;

    // [[callbacks]], in the order they run
    std::vector<CallbackConfig> callbacks;

    // The experiment as a TOML document, defaults filled in (written into every run folder).
    std::string to_toml() const;
};

// Parses and checks the whole file: unknown keys, wrong types, bad names and non-positive sizes are
// errors naming the file, the line and the key. Builds the model once to check the layers fit.
Experiment load_experiment(const std::filesystem::path& file);
// The same checks on a document already parsed (a variant of a sweep); `file` names it in errors.
Experiment experiment_from_table(const toml::table& root, const std::filesystem::path& file);
// The TOML document in `file`, or nnlab::Error naming the file, line and column of the syntax error.
toml::table parse_experiment_file(const std::filesystem::path& file);

// The model the experiment describes, compiled with its optimizer (and per-step schedule) and loss.
std::unique_ptr<Sequential> build_model(const Experiment& experiment, const Shape& image_shape);

// The callbacks that carry out [schedule] (step_decay's LearningRateScheduler; one_cycle's, which sets the
// per-step schedule once fit() knows the steps per epoch), owned by the caller.
std::vector<std::unique_ptr<Callback>> schedule_callbacks(const Experiment& experiment);

// The keys fit() will log for this experiment: loss and the metrics, their val_ forms when there is validation
// data, and learning_rate.
LogKeys expected_log_keys(const Experiment& experiment);

}  // namespace nnlab::cli
