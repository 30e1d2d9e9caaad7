// What an experiment builds: its model, augmenter, callbacks and data (experiment_setup.hpp).
#include "nnlab/experiment/experiment_setup.hpp"

#include <algorithm>

#include "nnlab/core/error.hpp"
#include "nnlab/data/data_source_description.hpp"
#include "nnlab/data/dataset_lookup.hpp"
#include "nnlab/data/loader.hpp"
#include "nnlab/layers/registry.hpp"
#include "nnlab/losses/loss.hpp"
#include "nnlab/metrics/predicted_classes.hpp"
#include "nnlab/optim/optimizer.hpp"
#include "nnlab/train/learning_rate_schedule.hpp"
#include "nnlab/train/memory_estimate.hpp"
#include "nnlab/train/metric_tracker.hpp"

namespace nnlab {

using config::Description;
using config::Reader;

std::unique_ptr<Sequential> build_layers(const Experiment& experiment, const Shape& image_shape) {
    auto model = std::make_unique<Sequential>();
    model->add(Input{experiment.input_shape.value_or(image_shape)});
    for (const Description& layer : experiment.layers) model->add(make_layer(layer));
    const std::unique_ptr<Optimizer> optimizer = make_optimizer(experiment.optimizer);
    check_training_memory(*model, experiment.batch_size, optimizer->state_copies());
    const Shape output = model->output_shape();
    MetricTracker(experiment.metrics).check_classes(output.rank() == 2 ? output[1] : 0);
    return model;
}

std::unique_ptr<Sequential> build_model(const Experiment& experiment, const Shape& image_shape) {
    std::unique_ptr<Sequential> model = build_layers(experiment, image_shape);
    model->compile(make_optimizer(experiment.optimizer), loss_from(Reader(experiment.loss, "loss")),
                   {.seed = experiment.seed, .metrics = experiment.metrics, .precision = experiment.precision});
    return model;
}

std::optional<Augmenter> make_augmenter(const Experiment& experiment, const Dataset& train) {
    if (!experiment.augment) return std::nullopt;
    std::optional<Augmenter> augmenter(std::in_place, *experiment.augment, train.image_shape);
    if (experiment.augment->needs_fit()) augmenter->fit(train);  // datagen.fit(x_train)
    return augmenter;
}

void adapt_model(Sequential& model, const Dataset& train, const Augmenter* augmenter) {
    const int64_t samples = model.adapt_samples();
    if (samples <= 0) return;
    // The first images, as evaluation builds its batches (the augmenter's standardisation, or pixel / 255).
    const Dataset first = train.take(samples);
    Loader loader(first, std::max<int64_t>(first.num_classes(), 1),
                  {.batch_size = first.size(), .shuffle = false, .augmenter = augmenter, .random_transforms = false});
    loader.start_epoch(0);
    model.adapt(loader.next()->x);
}

const std::vector<std::string>& run_files() {
    static const std::vector<std::string> files{"config.toml",
                                                "model.safetensors",
                                                "history.csv",
                                                "history.json",
                                                "metrics.json",
                                                "classification_report.txt",
                                                "confusion_matrix.csv",
                                                "confusion_matrix.png",
                                                "confusion_matrix.svg",
                                                "confusion_matrix_normalized.png",
                                                "confusion_matrix_normalized.svg",
                                                "training_curves.png",
                                                "training_curves.svg",
                                                "report.html"};
    return files;
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

std::vector<std::unique_ptr<Callback>> make_experiment_callbacks(const Experiment& experiment,
                                                                 const CallbackContext& context) {
    std::vector<std::unique_ptr<Callback>> callbacks;
    if (experiment.schedule) {
        const auto optimizer = make_optimizer(experiment.optimizer);
        callbacks.push_back(
            schedule_from(Reader(*experiment.schedule, "schedule"), optimizer->learning_rate())->make_callback());
    }
    for (const Description& description : experiment.callbacks)
        callbacks.push_back(callback_from(Reader(description, "callbacks"), context));
    return callbacks;
}

void check_experiment_data(const Experiment& experiment, const DatasetSplits& data) {
    const auto model = build_layers(experiment, data.train.image_shape);
    const std::string last_layer = "model.layers[" + std::to_string(experiment.layers.size() - 1) + "]";
    for (const auto& [split, what] : {std::pair{&data.train, "training"}, std::pair{&data.test, "test"}}) {
        try {
            model->check_fits(*split, std::string("the ") + what + " split of " + experiment.dataset);
        } catch (const Error& error) {
            const bool classes = model->output_shape().rank() != 2 ||
                                 !outputs_fit_classes(model->output_shape()[1], split->num_classes());
            experiment.fail(classes ? last_layer : "model.input_shape", error.what());
        }
    }
    if (experiment.tta_level > 0 && data.train.image_shape.rank() != 3) {
        experiment.fail("train.tta_level",
                        "test-time augmentation mirrors and shifts images (height, width, "
                        "channels), but " +
                            experiment.dataset + " holds examples of shape " + data.train.image_shape.to_string() +
                            "; use tta_level = 0");
    }
    if (experiment.augment && data.train.has_features()) {
        experiment.fail("augment", "augmentation transforms uint8 images, but " + experiment.dataset +
                                       " holds float features " + data.train.image_shape.to_string() +
                                       "; remove [augment] (or give images as uint8 arrays)");
    }
    if (experiment.augment) {
        try {
            Augmenter(*experiment.augment, data.train.image_shape);
        } catch (const Error& error) {
            experiment.fail("augment", error.what());
        }
    }
}

DatasetSplits load_experiment_data(const Experiment& experiment, const std::optional<std::filesystem::path>& data_dir) {
    DatasetSplits data;
    try {
        data = load_dataset(experiment.dataset, data_dir,
                            DataSourceOptions{.image_folder = ImageFolderOptions{.image_size = experiment.image_size,
                                                                                 .color_mode = experiment.color_mode},
                                              .csv = experiment.csv,
                                              .class_names = experiment.class_names});
    } catch (const config::ConfigError&) {
        throw;
    } catch (const Error& error) {
        experiment.fail("data.dataset", error.what());
    }
    if (data.test.size() == 0) {
        experiment.fail("data.dataset", experiment.dataset +
                                            " has no test split, which every run ends by evaluating on: give the "
                                            "folder train/ and test/ subfolders, each with one folder per class");
    }
    if (experiment.train_samples) data.train = data.train.take(*experiment.train_samples);
    if (experiment.test_samples) data.test = data.test.take(*experiment.test_samples);
    return data;
}

}  // namespace nnlab
