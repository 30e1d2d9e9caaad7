// Where a training step's time goes, layer by layer: each layer's forward (training mode) and backward at the
// experiment's batch size on real CIFAR-10 images (standardised as the run would), the whole step
// (Sequential::train_step: forward, loss, backward, optimizer) beside their sum, each convolution's GFLOP/s, and the
// time the machine's peak (oneDNN's matmul, measured first: bench/matmul_peak.hpp) would need for the layer's
// arithmetic (the step's floor), and under bfloat16 the whole step again with every tensor between layers in float32
// (CompileOptions::bfloat16_between_layers off; the per-layer rows time each layer alone, in float32 between layers).
// Medians over the repeats after one warm-up step that creates every oneDNN primitive.
//   NNLAB_DATA=../shared/datasets build/bench/nnlab_layer_profile [config=examples/cifar10_94.toml] [repeats=5]
//       [batch (default: the config's)]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "bench/flop_count.hpp"
#include "bench/matmul_peak.hpp"
#include "nnlab/core/resource_usage.hpp"
#include "nnlab/core/statistics.hpp"
#include "nnlab/experiment/experiment.hpp"
#include "nnlab/experiment/experiment_setup.hpp"
#include "nnlab/nnlab.hpp"

namespace {

using namespace nnlab;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) try {
    const std::string config = argc > 1 ? argv[1] : NNLAB_SOURCE_DIR "/examples/cifar10_94.toml";
    const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
    Experiment experiment = load_experiment(config);
    if (argc > 3) experiment.batch_size = std::max(1, std::atoi(argv[3]));
    const int64_t batch = experiment.batch_size;
    DatasetSplits data = load_experiment_data(experiment, std::nullopt);
    std::unique_ptr<Sequential> model = build_model(experiment, data.train.image_shape);
    std::optional<Augmenter> augmenter;
    if (experiment.augment) {
        augmenter.emplace(*experiment.augment, data.train.image_shape);
        if (experiment.augment->needs_fit()) augmenter->fit(data.train);
    }
    const Dataset slice = data.train.take(std::max<int64_t>(batch, model->adapt_samples()));
    Loader loader(slice, model->output_shape()[1],
                  {.batch_size = batch, .shuffle = false, .augmenter = augmenter ? &*augmenter : nullptr});
    loader.start_epoch(0);
    const Batch* first = loader.next();
    const Tensor x = first->x.clone(), y = first->y.clone();
    if (model->adapt_samples() > 0) model->adapt(x);
    // The same model with every tensor between layers in float32, its steps timed in turn with the model's.
    std::unique_ptr<Sequential> float32_between = build_layers(experiment, data.train.image_shape);
    float32_between->compile(make_optimizer(experiment.optimizer), loss_from(config::Reader(experiment.loss, "loss")),
                             {.seed = experiment.seed,
                              .metrics = experiment.metrics,
                              .precision = experiment.precision,
                              .bfloat16_between_layers = false});
    if (float32_between->adapt_samples() > 0) float32_between->adapt(x);

    const auto& layers = model->layers();
    const size_t n = layers.size();
    const std::vector<bool>& fused = model->fused_layers();
    std::vector<Tensor> outputs, gradients;
    for (size_t i = 0; i < n; ++i) {
        outputs.emplace_back(model->layer_output_shapes()[i].with_batch(batch));
        gradients.emplace_back(model->layer_output_shapes()[i].with_batch(batch));
        gradients.back().fill(1e-3f);
    }
    std::vector<std::vector<double>> forward(n), backward(n);
    std::vector<double> steps, sums, float32_steps;
    Tensor no_input_gradient;
    for (int r = 0; r <= repeats; ++r) {
        double sum = 0.0;
        for (size_t i = 0; i < n; ++i) {
            const auto start = Clock::now();
            layers[i]->forward(i == 0 ? x : outputs[i - 1], outputs[i], Mode::training);
            // A fused layer's work is timed in the layer above; here it only copies what the model would share.
            const double s = fused[i] ? 0.0 : seconds_since(start);
            if (r > 0) forward[i].push_back(s);
            sum += s;
        }
        for (size_t i = n; i-- > 0;) {
            const auto start = Clock::now();
            layers[i]->backward(gradients[i], i == 0 ? no_input_gradient : gradients[i - 1]);
            const double s = fused[i] ? 0.0 : seconds_since(start);
            if (r > 0) backward[i].push_back(s);
            sum += s;
        }
        const auto start = Clock::now();
        model->train_step(x, y);
        if (r > 0) {
            steps.push_back(seconds_since(start));
            sums.push_back(sum);
        }
        const auto float32_start = Clock::now();
        float32_between->train_step(x, y);
        if (r > 0) float32_steps.push_back(seconds_since(float32_start));
    }
    const bool bf16 = model->precision() == Precision::bfloat16;
    const double peak = bench::measure_matmul_peak_gflops(bf16 ? Precision::bfloat16 : Precision::float32);
    std::printf(
        "%s, batch %lld, %s, %d threads; medians of %d; floor: the layer's FLOPs at %.0f GFLOP/s (oneDNN matmul, "
        "measured now)\n",
        experiment.name.c_str(), static_cast<long long>(batch), precision_name(model->precision()), thread_count(),
        repeats, peak);
    std::printf("%-22s %-20s %9s %9s %8s %9s %9s\n", "layer", "output", "fwd ms", "bwd ms", "GFLOP", "GFLOP/s",
                "floor ms");
    double total_flops = 0.0, total_ms = 0.0;
    for (size_t i = 0; i < n; ++i) {
        bench::FlopCount count;
        bench::count_flops(*layers[i], count);
        const double gflop = 3.0 * count.total() * double(batch) / 1e9;  // forward, input and weight gradients
        const double f = 1e3 * median(forward[i]), b = 1e3 * median(backward[i]);
        total_flops += gflop;
        total_ms += f + b;
        const std::string shape = model->layer_output_shapes()[i].to_string();
        if (gflop > 0) {
            std::printf("%-22s %-20s %9.2f %9.2f %8.2f %9.1f %9.2f\n", layers[i]->name().c_str(), shape.c_str(), f, b,
                        gflop, gflop / ((f + b) / 1e3), 1e3 * gflop / peak);
        } else if (fused[i]) {
            std::printf("%-22s %-20s %9s %9s  (in the layer above)\n", layers[i]->name().c_str(), shape.c_str(), "-",
                        "-");
        } else {
            std::printf("%-22s %-20s %9.2f %9.2f\n", layers[i]->name().c_str(), shape.c_str(), f, b);
        }
    }
    const double step_ms = 1e3 * median(steps);
    std::printf("layers, forward + backward: %.1f ms (%.0f GFLOP/s over the step's %.1f GFLOP)\n", total_ms,
                total_flops / (total_ms / 1e3), total_flops);
    std::printf("whole train_step: %.1f ms (%.0f images/s, %.0f GFLOP/s); floor at peak: %.1f ms; peak RSS %.0f MB\n",
                step_ms, double(batch) / (step_ms / 1e3), total_flops / (step_ms / 1e3), 1e3 * total_flops / peak,
                peak_rss_mb());
    if (model->precision() == Precision::bfloat16) {
        std::printf("whole train_step with every tensor between layers in float32: %.1f ms\n",
                    1e3 * median(float32_steps));
    }
    return 0;
} catch (const std::exception& error) {
    std::fprintf(stderr, "nnlab_layer_profile: %s\n", error.what());
    return 1;
}
