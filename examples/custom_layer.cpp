// A program's own layer, registered so that experiment files and model files name it like a built-in one
// (Keras: a Layer subclass with get_config, and register_keras_serializable).
//   build/custom_layer_example [experiment.toml] [run folder]
// Trains examples/custom_layer.toml (Fashion-MNIST, a few thousand images), which uses the layer below, then loads
// the model file back and checks that it reproduces the run's test accuracy.
#include <cmath>
#include <cstdlib>
#include <iostream>

#include "nnlab/nnlab.hpp"

namespace {

using namespace nnlab;

// y = x · scale, one learnt scale per channel (the last axis), starting from `initial`.
class ChannelScale final : public Layer {
public:
    explicit ChannelScale(double initial) : initial_(initial) {
        if (!std::isfinite(initial)) throw KeyError("initial", "initial: expected a finite number");
    }

    std::string type() const override { return "ChannelScale"; }

    Shape build(const Shape& input) override {
        if (input.rank() < 2) throw Error(error_prefix() + "expected (batch, …, channels), found " + input.to_string());
        scale_.name = "scale";
        scale_.shape = Shape{input[input.rank() - 1]};
        scale_.initializer.name = "constant";
        scale_.initializer.value = initial_;
        return input;
    }

    void forward(const Tensor& x, Tensor& y, Mode) override {
        x_ = x.view();
        const int64_t channels = scale_.shape[0];
        for (int64_t i = 0; i < x.numel(); ++i) y[i] = x[i] * scale_.value[i % channels];
    }

    // dscale += Σ x·dy per channel; dx = dy · scale.
    void backward(const Tensor& dy, Tensor& dx) override {
        const int64_t channels = scale_.shape[0];
        for (int64_t i = 0; i < dy.numel(); ++i) scale_.grad[i % channels] += x_[i] * dy[i];
        if (dx.empty()) return;
        for (int64_t i = 0; i < dy.numel(); ++i) dx[i] = dy[i] * scale_.value[i % channels];
    }

    std::vector<Param*> params() override { return {&scale_}; }
    nlohmann::json config() const override { return {{"initial", initial_}}; }

private:
    double initial_;
    Param scale_;
    Tensor x_;
};

}  // namespace

int main(int argc, char** argv) try {
    // Once, before any description names it: then experiment files and model files can.
    register_layer("ChannelScale", {"initial"}, [](const config::Reader& description) -> std::unique_ptr<Layer> {
        return std::make_unique<ChannelScale>(description.number("initial").value_or(1.0));
    });

    const std::filesystem::path file = argc > 1 ? argv[1] : NNLAB_SOURCE_DIR "/examples/custom_layer.toml";
    const std::filesystem::path folder = argc > 2 ? argv[2] : "runs/custom_layer";
    const Experiment experiment = load_experiment(file);
    const DatasetSplits data = load_experiment_data(experiment, std::nullopt);
    ExperimentRun run(experiment, data, folder);
    std::cout << run.model().summary();
    const RunOutcome outcome = run.run({.progress = &std::cout});
    std::cout << "Test accuracy: " << outcome.evaluation.metrics.accuracy << "\n";

    // The model file names the layer by its type and config; loading rebuilds it through the registry.
    LoadedModel loaded = load_model(folder / "model.safetensors");
    const double reloaded = loaded.model->evaluate(data.test, experiment.batch_size).accuracy;
    std::cout << "Reloaded from " << (folder / "model.safetensors").string() << ": test accuracy " << reloaded
              << " (layer " << loaded.model->layers()[1]->type() << ")\n";
    if (reloaded != outcome.evaluation.metrics.accuracy || loaded.model->layers()[1]->type() != "ChannelScale") {
        std::cerr << "custom_layer: the reloaded model does not reproduce the run\n";
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
} catch (const nnlab::Error& error) {
    std::cerr << "custom_layer: " << error.what() << "\n";
    return 2;
}
