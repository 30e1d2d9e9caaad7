// The seed lab's model built and trained through the C++ API, Keras-style.
//   build/examples/seed_mlp_example [epochs] [data folder]
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "nnlab/nnlab.hpp"

namespace {

// The epochs argument: a whole number from 1 to 1000, else a message (not std::stoi's exception).
int epochs_from(const char* text) {
    int epochs = 0;
    const std::string_view view(text);
    const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), epochs);
    if (error != std::errc() || end != view.data() + view.size() || epochs < 1 || epochs > 1000) {
        throw nnlab::Error("epochs: expected a whole number from 1 to 1000, found '" + std::string(view) +
                           "'\nusage: seed_mlp_example [epochs] [data folder]");
    }
    return epochs;
}

}  // namespace

int main(int argc, char** argv) try {
    using namespace nnlab;
    const int epochs = argc > 1 ? epochs_from(argv[1]) : 50;
    const auto data_dir = argc > 2 ? std::optional<std::filesystem::path>(argv[2]) : std::nullopt;

    // (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    const DatasetSplits cifar = load_dataset("cifar10", data_dir);

    Sequential model;
    model.add(Input{{32, 32, 3}});
    model.add(Flatten());
    model.add(Dense(512));
    model.add(Activation("relu"));
    model.add(Dense(256));
    model.add(Activation("tanh"));
    model.add(Dense(10, "softmax"));
    std::cout << model.summary();

    model.compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 42});

    LearningRateScheduler lr_scheduler(StepDecay{.initial_learning_rate = 0.001, .drop = 0.5, .epochs_drop = 10});
    ProgressBar progress(std::cout, {.verbose = 1, .live = false});
    const History history = model.fit(cifar.train, {.batch_size = 64,
                                                    .epochs = epochs,
                                                    .validation_data = &cifar.test,
                                                    .shuffle = true,
                                                    .callbacks = {&lr_scheduler, &progress}});

    const Evaluation test = model.evaluate(cifar.test);
    std::cout << "Test accuracy: " << test.accuracy << " (loss " << test.loss << ")\n";
    return EXIT_SUCCESS;
} catch (const nnlab::Error& error) {
    std::cerr << "seed_mlp: " << error.what() << "\n";
    return error.kind() == nnlab::ErrorKind::bad_input ? 2 : 1;
} catch (const std::exception& error) {
    std::cerr << "seed_mlp: failed: " << error.what() << "\n";
    return 1;
}
