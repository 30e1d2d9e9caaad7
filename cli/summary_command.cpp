// nnlab summary CONFIG — prints the model table an experiment file describes, as Keras's summary().
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/experiment/experiment.hpp"

namespace nnlab::cli {

void add_summary_command(CLI::App& app, int& exit_code) {
    auto config = std::make_shared<std::string>();
    CLI::App* command = app.add_subcommand("summary", "Print the model's layers, output shapes and parameter counts");
    command->add_option("config", *config, "Experiment file (TOML)")->required();
    command->callback([config, &exit_code] {
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
