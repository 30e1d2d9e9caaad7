// The data side of the seed lab, measured: one CIFAR-10 epoch of augmentation + batching on one
// core, and the seed epoch with and without augmentation (prefetching on and off), medians over epochs.
//   NNLAB_DATA=../shared/datasets build/bench/nnlab_seed_epoch_bench [timed epochs per setting, default 3]
#include <omp.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "nnlab/core/statistics.hpp"
#include "nnlab/nnlab.hpp"

namespace {

using namespace nnlab;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The seed's ImageDataGenerator(rotation_range=15, width_shift_range=0.1, height_shift_range=0.1,
// horizontal_flip=True).
AugmentConfig seed_augmentation() {
    return {.rotation_range = 15, .width_shift_range = 0.1, .height_shift_range = 0.1, .horizontal_flip = true};
}

// The seed MLP, compiled as the seed compiles it.
std::unique_ptr<Sequential> seed_model() {
    auto model = std::make_unique<Sequential>();
    model->add(Input{{32, 32, 3}});
    model->add(Flatten());
    model->add(Dense(512));
    model->add(Activation("relu"));
    model->add(Dense(256));
    model->add(Activation("tanh"));
    model->add(Dense(10, "softmax"));
    model->compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 42});
    return model;
}

// One more training epoch of `model` (no validation), in seconds.
double epoch_seconds(Sequential& model, const DatasetSplits& cifar, const Augmenter* augmenter, int workers) {
    struct Timer final : Callback {
        Clock::time_point start;
        double seconds = 0;
        void on_epoch_begin(int) override { start = Clock::now(); }
        void on_epoch_end(int, const Logs&) override { seconds = seconds_since(start); }
    } timer;
    model.fit(cifar.train,
              {.batch_size = 64, .epochs = 1, .augmenter = augmenter, .workers = workers, .callbacks = {&timer}});
    return timer.seconds;
}

}  // namespace

int main(int argc, char** argv) try {
    const int epochs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
    const DatasetSplits cifar = load_dataset("cifar10", std::nullopt);
    const Augmenter augmenter(seed_augmentation(), cifar.train.image_shape);

    // 1. Augmentation and batching alone, in this thread (one core), three passes.
    std::vector<double> data_only;
    omp_set_num_threads(1);
    for (int pass = 0; pass < 3; ++pass) {
        Loader loader(cifar.train, 10, {.batch_size = 64, .seed = 42, .augmenter = &augmenter, .workers = 0});
        loader.start_epoch(pass);
        const auto start = Clock::now();
        while (loader.next() != nullptr) {
        }
        data_only.push_back(seconds_since(start));
    }
    omp_set_num_threads(omp_get_num_procs());
    std::printf(
        "augment + batch one CIFAR-10 epoch (50,000 images, seed generator, 1 core): median %.3f s  (target <= 0.5 "
        "s)\n",
        median(data_only));

    // 2. The seed epoch (training only, no validation) without and with augmentation, batches built
    //    ahead by one background worker (prefetching), or in the training thread over the OpenMP team
    //    (workers = 0, the default since it measured faster here: no second thread fights the team).
    //    The settings alternate, epochs ones at a time, so drifts of this shared machine hit all alike.
    //    One model per setting, each warmed up by an untimed epoch (primitives built, memory touched).
    const auto plain_model = seed_model(), worker_model = seed_model(), team_model = seed_model();
    epoch_seconds(*plain_model, cifar, nullptr, 1);
    epoch_seconds(*worker_model, cifar, &augmenter, 1);
    epoch_seconds(*team_model, cifar, &augmenter, 0);
    std::vector<double> plain_runs, worker_runs, team_runs;
    for (int round = 0; round < epochs; ++round) {
        plain_runs.push_back(epoch_seconds(*plain_model, cifar, nullptr, 1));
        worker_runs.push_back(epoch_seconds(*worker_model, cifar, &augmenter, 1));
        team_runs.push_back(epoch_seconds(*team_model, cifar, &augmenter, 0));
    }
    // The ratio is also taken round by round (each setting against the plain epoch next to it), whose
    // median drifts less than a ratio of medians when the machine's speed changes during the run.
    const auto paired = [&](const std::vector<double>& runs) {
        std::vector<double> ratios;
        for (size_t i = 0; i < runs.size(); ++i) ratios.push_back(runs[i] / plain_runs[i]);
        return median(ratios);
    };
    const double plain = median(plain_runs), worker = median(worker_runs), inline_team = median(team_runs);
    std::printf("seed epoch without augmentation:                      median %.2f s over %d epochs\n", plain, epochs);
    std::printf(
        "seed epoch with augmentation, 1 background worker:    median %.2f s  (ratio %.3f, paired %.3f; target <= "
        "1.10)\n",
        worker, worker / plain, paired(worker_runs));
    std::printf(
        "seed epoch with augmentation, built on the OMP team:  median %.2f s  (ratio %.3f, paired %.3f; target <= "
        "1.10)\n",
        inline_team, inline_team / plain, paired(team_runs));
    return 0;
} catch (const nnlab::Error& error) {
    std::fprintf(stderr, "seed_epoch_bench: %s\n", error.what());
    return 2;
}
