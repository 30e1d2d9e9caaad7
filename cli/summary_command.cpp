// nnlab summary CONFIG|MODEL — prints the model table an experiment file describes, or a saved model's, as Keras's
// summary().
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/data/dataset_lookup.hpp"
#include "nnlab/experiment/experiment.hpp"
#include "nnlab/experiment/experiment_setup.hpp"
#include "nnlab/io/model_file.hpp"

namespace nnlab::cli {

void add_summary_command(CLI::App& app, int& exit_code) {
    auto config = std::make_shared<std::string>();
    CLI::App* command = app.add_subcommand("summary", "Print the model's layers, output shapes and parameter counts");
    command->add_option("config", *config, "Experiment file (TOML), or a model file written by nnlab train")
        ->required();
    command->callback([config, &exit_code] {
        if (std::filesystem::path(*config).extension() == ".safetensors") {
            std::cout << load_model(*config).model->summary();
            exit_code = exit_ok;
            return;
        }
        const Experiment experiment = load_experiment(*config);
        std::optional<Shape> input = experiment.input_shape;
        // NumPy arrays and CSV files say their example shape once read (an image folder would mean decoding it).
        const std::string kind = dataset_source_kind(experiment.dataset, std::nullopt);
        if (!input && (kind == "csv" || kind == "numpy"))
            input = load_experiment_data(experiment, std::nullopt).train.image_shape;
        if (!input) {
            throw Error(*config +
                        ": model.input_shape is needed to summarise a model of an image folder, e.g. "
                        "input_shape = [64, 64, 3]");
        }
        std::cout << build_model(experiment, *input)->summary();
        exit_code = exit_ok;
    });
}

}  // namespace nnlab::cli
