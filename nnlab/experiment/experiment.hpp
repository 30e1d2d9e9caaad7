// Experiment — one training run as an experiment file describes it, every object read through its registry and
// checked before anything runs; written back as the resolved config.toml, every default filled in.
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nnlab/config/reader.hpp"
#include "nnlab/core/precision.hpp"
#include "nnlab/core/shape.hpp"
#include "nnlab/data/augment/augment.hpp"
#include "nnlab/data/formats/array_dataset.hpp"

namespace nnlab {

// The largest seed an experiment file can hold (a TOML integer is a signed 64-bit one), so that the resolved
// config.toml of any run reads back.
constexpr uint64_t max_experiment_seed = (uint64_t{1} << 63) - 1;
// The most epochs an experiment may ask for (its epoch counters are int).
constexpr int max_epochs = 1'000'000'000;

struct Experiment {
    std::filesystem::path file;
    std::string name;  // defaults to the file's stem
    uint64_t seed = 0;
    // The threads the run uses (the results' last bits depend on it); 0: every core this process may use. The
    // resolved config records the count that ran, so that it re-runs to the same bits.
    int threads = 0;

    // [data]
    std::string dataset = "cifar10";
    std::string validation = "test";  // "test": the test split; "split": the last validation_split of train; "none"
    double validation_split = 0.0;    // with validation = "split" (default 0.2)
    int workers = 0;                  // threads building batches ahead of training (0: in the training thread)
    std::optional<int64_t> train_samples;  // use only the first N training images
    std::optional<int64_t> test_samples;   // use only the first N test images
    // For a folder of images (Keras image_dataset_from_directory): the (height, width) every image is resized to,
    // and "rgb" or "grayscale".
    std::optional<std::pair<int64_t, int64_t>> image_size;
    std::string color_mode = "rgb";
    // For NumPy arrays and CSV files: the names of labels 0, 1, … (default "0", "1", …).
    std::vector<std::string> class_names;
    // For a CSV file: the label column, the header, the test split (CsvDatasetOptions).
    CsvDatasetOptions csv;

    // [augment]: Keras ImageDataGenerator arguments; absent means plain pixel / 255
    std::optional<AugmentConfig> augment;

    // [model]
    std::optional<Shape> input_shape;         // defaults to the dataset's image shape
    std::vector<config::Description> layers;  // each as make_layer() reads it, every key filled in
    // Weights to start from (Keras: model.load_weights) instead of the initialisers': a model file whose layers'
    // weights have the shapes of these, in order. A layer's `trainable = false` then keeps its weights.
    std::optional<std::filesystem::path> init_from;

    // [train]
    config::Description loss;  // as make_loss() reads it: {"type": "categorical_crossentropy", "label_smoothing": 0}
    int64_t batch_size = 32;
    // A whole number, or a fraction of the last epoch (airbench's 9.9): ceil(epochs) epochs, the last one ending after
    // ceil(epochs × steps per epoch) steps in all (FitOptions::max_steps).
    double epochs = 1;
    int whole_epochs() const { return static_cast<int>(std::ceil(epochs)); }
    int verbose = 1;
    // Test-time augmentation of the run's final test evaluation: 0 none, 1 mirror, 2 mirror + 1-pixel translations
    // (PredictOptions::tta_level). The per-epoch validation stays plain.
    int tta_level = 0;
    bool shuffle = true;
    // The training state (run folder's state/) is saved at every epoch end, and within an epoch every
    // state_every_steps steps (0: not by steps) and once state_every_minutes have passed since the last save (0:
    // not by time).
    int64_t state_every_steps = 0;
    double state_every_minutes = 5.0;
    std::vector<std::string> metrics = {"accuracy"};  // tracked each epoch (Keras: compile(metrics=...))
    Precision precision = Precision::float32;         // "bfloat16": GEMMs and convolutions in bfloat16

    // [optimizer], [schedule], [[callbacks]] (in the order they run): their descriptions, every key filled in.
    config::Description optimizer;
    std::optional<config::Description> schedule;
    std::vector<config::Description> callbacks;

    // Where the file's keys are, so that checks made once the data is loaded can point at them too.
    std::shared_ptr<const config::Source> source;

    // Throws config::ConfigError "file:line: key: message" at the line of `key` (a dotted path such as
    // "data.dataset"), else of its nearest enclosing table.
    [[noreturn]] void fail(const std::string& key, const std::string& message) const;

    // The whole experiment as one description, every default filled in.
    config::Description description() const;
    // description() as TOML, after a comment naming the file it was resolved from: what config.toml holds. It
    // loads back to the same experiment.
    std::string to_toml() const;
};

// Reads and checks the whole file: unknown keys, wrong types, bad names and out-of-range values are errors naming
// the file, the line and the key (config::ConfigError). Builds the model once to check the layers fit. A file
// with a [sweep] is refused (it is nnlab compare's).
Experiment load_experiment(const std::filesystem::path& file);

// One setting given on the command line (train --set KEY=VALUE): a setting path (setting_path.hpp) and its value.
struct SettingOverride {
    std::string path;
    config::Description value;
};
// The file with each override set in its tree before anything is read from it, so that every check sees the
// overridden value. An error about an overridden key names the --set that gave it; a path that leads nowhere is a
// KeyError naming it.
Experiment load_experiment(const std::filesystem::path& file, const std::vector<SettingOverride>& overrides);
// The same checks on a description already read (a variant of a sweep); `file` names it.
Experiment experiment_from(const config::Reader& root, const std::filesystem::path& file);

}  // namespace nnlab
