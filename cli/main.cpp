// nnlab — train, inspect and evaluate neural networks from experiment files.
// The only place (with cli/) that prints or exits: errors become a message and an exit code.
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/threads.hpp"

int main(int argc, char** argv) {
    using namespace nnlab::cli;
    CLI::App app{
        "nnlab — a Keras-like neural-network training lab.\n"
        "Runs experiments described in TOML files; see examples/ and the README."};
    app.require_subcommand(1);
    // --threads works before or after the command name (subcommands inherit fallthrough from here), and is
    // applied before any command runs: the main app's parse-complete callback precedes the commands' callbacks.
    CommonOptions common;
    app.add_option("--threads", common.threads, "Threads for the kernels (default: the cores this process may use)")
        ->envname("NNLAB_THREADS")
        ->check(whole_number(1, nnlab::max_threads, "from --threads or NNLAB_THREADS"));
    app.fallthrough();
    app.parse_complete_callback([&common] {
        if (common.threads > 0) nnlab::set_thread_count(common.threads);
    });
    int exit_code = exit_ok;
    add_train_command(app, exit_code, common);
    add_summary_command(app, exit_code);
    add_evaluate_command(app, exit_code);
    add_predict_command(app, exit_code);
    add_ensemble_command(app, exit_code);
    add_compare_command(app, exit_code, common);
    add_download_command(app, exit_code);
    add_augment_preview_command(app, exit_code);
    try {
        app.parse(argc, argv);
        return exit_code;
    } catch (const CLI::ParseError& error) {
        // CLI11 reports --help as a "parse error" with exit code 0; app.exit prints the right help.
        if (error.get_exit_code() == 0) return app.exit(error);
        std::cerr << "nnlab: error: " << error.what() << "\n"
                  << "Run 'nnlab --help' for usage.\n";
        return exit_bad_input;
    } catch (const nnlab::Error& error) {
        std::cerr << "nnlab: error: " << error.what() << "\n";
        return error.kind() == nnlab::ErrorKind::bad_input ? exit_bad_input : exit_failure;
    } catch (const std::exception& error) {
        std::cerr << "nnlab: failed: " << error.what() << "\n";
        return exit_failure;
    }
}
