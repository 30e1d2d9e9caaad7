// The nnlab subcommands: each registers its options on the command line and runs when chosen.
#pragma once

#include <CLI/CLI.hpp>

namespace nnlab::cli {

// Each returns the exit code through `exit_code` once the command has run.
void add_train_command(CLI::App& app, int& exit_code);
void add_summary_command(CLI::App& app, int& exit_code);
void add_evaluate_command(CLI::App& app, int& exit_code);
void add_download_command(CLI::App& app, int& exit_code);
void add_augment_preview_command(CLI::App& app, int& exit_code);
void add_predict_command(CLI::App& app, int& exit_code);
void add_compare_command(CLI::App& app, int& exit_code);
void add_ensemble_command(CLI::App& app, int& exit_code);

}  // namespace nnlab::cli
