// nnlab summary CONFIG|MODEL — prints the model table an experiment file describes, or a saved model's, as Keras's
// summary().
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/experiment/experiment.hpp"
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
        if (!experiment.input_shape) {
            throw Error(*config +
                        ": model.input_shape is needed to summarise a model of an image folder, e.g. "
                        "input_shape = [64, 64, 3]");
        }
        std::cout << build_model(experiment, *experiment.input_shape)->summary();
        exit_code = exit_ok;
    });
}

}  // namespace nnlab::cli
