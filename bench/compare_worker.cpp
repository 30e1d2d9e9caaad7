// nnlab's side of bench/compare: trains an example experiment for a few epochs with the recipe its file names
// (model, optimizer, schedule, batch size, augmentation), times each epoch's training (no validation), then
// evaluates the test split, and prints one JSON line for the comparison to read.
//   NNLAB_DATA=../shared/datasets build/bench/nnlab_compare_worker CONFIG EPOCHS [--no-augment] [--threads N]
//       [--seed N] (instead of the file's) [--precision float32|bfloat16] [--train-samples N] (a short smoke run)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/flop_count.hpp"
#include "nnlab/core/resource_usage.hpp"
#include "nnlab/experiment/experiment.hpp"
#include "nnlab/experiment/experiment_setup.hpp"
#include "nnlab/nnlab.hpp"

namespace {

using namespace nnlab;
using Clock = std::chrono::steady_clock;

struct EpochTimer final : Callback {
    Clock::time_point start;
    std::vector<double> seconds;
    void on_epoch_begin(int) override { start = Clock::now(); }
    void on_epoch_end(int, const Logs&) override {
        seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
};

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 3) {
        std::fprintf(stderr,
                     "usage: nnlab_compare_worker CONFIG EPOCHS [--no-augment] [--threads N] [--seed N]\n"
                     "       [--precision float32|bfloat16] [--train-samples N]\n");
        return 2;
    }
    Experiment experiment = load_experiment(argv[1]);
    experiment.epochs = std::atoi(argv[2]);
    for (int i = 3; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--no-augment") {
            experiment.augment.reset();
        } else if (arg == "--threads" && i + 1 < argc) {
            set_thread_count(std::atoi(argv[++i]));
        } else if (arg == "--precision" && i + 1 < argc) {
            experiment.precision = precision_from_name(argv[++i]);
        } else if (arg == "--seed" && i + 1 < argc) {
            experiment.seed = std::strtoull(argv[++i], nullptr, 10);
        } else if (arg == "--train-samples" && i + 1 < argc) {
            experiment.train_samples = std::atoll(argv[++i]);
        } else {
            throw Error("unknown argument '" + arg + "'");
        }
    }
    const DatasetSplits data = load_experiment_data(experiment, std::nullopt);
    std::unique_ptr<Sequential> model = build_model(experiment, data.train.image_shape);
    // As a run prepares it: the augmentation fitted (standardisation), layers adapted to the data (whitening).
    std::optional<Augmenter> augmenter = make_augmenter(experiment, data.train);
    adapt_model(*model, data.train, augmenter ? &*augmenter : nullptr);
    // The schedule only ([[callbacks]] would write files): what the comparison's twin runs too.
    Experiment scheduled = experiment;
    scheduled.callbacks.clear();
    std::vector<std::unique_ptr<Callback>> schedule = make_experiment_callbacks(scheduled, {});
    EpochTimer timer;
    FitOptions fit{.batch_size = experiment.batch_size,
                   .epochs = experiment.whole_epochs(),
                   .shuffle = experiment.shuffle,
                   .augmenter = augmenter ? &*augmenter : nullptr,
                   .workers = experiment.workers};
    for (auto& callback : schedule) fit.callbacks.push_back(callback.get());
    fit.callbacks.push_back(&timer);
    model->fit(data.train, fit);
    const Evaluation test = model->evaluate(data.test, experiment.batch_size, augmenter ? &*augmenter : nullptr);
    const nlohmann::json line = {{"framework", "nnlab"},
                                 {"threads", thread_count()},
                                 {"precision", precision_name(model->precision())},
                                 {"epoch_seconds", timer.seconds},
                                 {"train_images", data.train.size()},
                                 {"forward_gflop_per_image", bench::count_flops(*model).total() / 1e9},
                                 {"test_accuracy", test.accuracy},
                                 {"peak_rss_mb", peak_rss_mb()}};
    std::printf("%s\n", line.dump().c_str());
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "nnlab_compare_worker: %s\n", e.what());
    return 1;
}
