// Training speed of the CNN examples on real CIFAR-10: images/s over whole steps (augmentation and the prefetching
// loader included, as `nnlab train` runs them) and the FLOP rate that implies against this machine's fp32 peak.
//   NNLAB_DATA=../shared/datasets build/bench/nnlab_cnn_train_bench [steps=40] [repeats=3] [config.toml ...]
// Default configs: examples/keras_cnn.toml, resnet20.toml and resnet_small.toml. Medians over the repeats; the first
// repeat's time also builds every oneDNN primitive, so it is run once more beforehand and not counted.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "bench/flop_count.hpp"
#include "nnlab/core/statistics.hpp"
#include "nnlab/experiment/experiment.hpp"
#include "nnlab/experiment/experiment_setup.hpp"
#include "nnlab/nnlab.hpp"

namespace {

using namespace nnlab;
using Clock = std::chrono::steady_clock;

constexpr double machine_peak_gflops = 420.0;  // fp32 FMA, 2 Zen 5 cores (measured by the project's brief)

void run(const std::string& config, int steps, int repeats) {
    const Experiment experiment = load_experiment(config);
    DatasetSplits data = load_experiment_data(experiment, std::nullopt);
    const Dataset slice = data.train.take(steps * experiment.batch_size);
    std::unique_ptr<Sequential> model = build_model(experiment, data.train.image_shape);
    std::optional<Augmenter> augmenter;
    if (experiment.augment) augmenter.emplace(*experiment.augment, data.train.image_shape);
    std::vector<double> seconds;
    for (int r = 0; r <= repeats; ++r) {
        const auto start = Clock::now();
        model->fit(slice, {.batch_size = experiment.batch_size,
                           .epochs = 1,
                           .augmenter = augmenter ? &*augmenter : nullptr,
                           .workers = experiment.workers});
        if (r > 0) seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
    const bench::FlopCount flops = bench::count_flops(*model);
    const double images_per_second = double(slice.size()) / median(seconds);
    const double train_gflop_per_image = 3.0 * flops.total() / 1e9;
    const double gflops = images_per_second * train_gflop_per_image;
    std::printf("%-14s batch %3lld  %8.0f images/s  %6.3f GFLOP/image (conv %.0f%%)  %6.1f GFLOP/s  %5.1f%% of peak\n",
                experiment.name.c_str(), static_cast<long long>(experiment.batch_size), images_per_second,
                train_gflop_per_image, 100.0 * flops.convolution / flops.total(), gflops,
                100.0 * gflops / machine_peak_gflops);
}

}  // namespace

int main(int argc, char** argv) try {
    const int steps = argc > 1 ? std::max(1, std::atoi(argv[1])) : 40;
    const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
    std::vector<std::string> configs;
    for (int i = 3; i < argc; ++i) configs.emplace_back(argv[i]);
    if (configs.empty())
        configs = {NNLAB_SOURCE_DIR "/examples/keras_cnn.toml", NNLAB_SOURCE_DIR "/examples/resnet20.toml",
                   NNLAB_SOURCE_DIR "/examples/resnet_small.toml"};
    std::printf("%d steps per repeat, median of %d repeats; peak taken as %.0f GFLOP/s fp32\n", steps, repeats,
                machine_peak_gflops);
    for (const std::string& config : configs) run(config, steps, repeats);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "nnlab_cnn_train_bench: %s\n", e.what());
    return 1;
}
