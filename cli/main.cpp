// nnlab — train, inspect and evaluate neural networks from experiment files.
// The only place (with cli/) that prints or exits: errors become a message and an exit code.
#include <algorithm>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/core/threads.hpp"
#include "nnlab/core/version.hpp"

namespace {

// "unknown command 'trian' (did you mean 'train'?); …" when the first word names no command, else "".
std::string unknown_command(CLI::App& app, const std::string& word) {
    if (word.empty()) return "";
    std::vector<std::string> names;
    for (const CLI::App* command : app.get_subcommands({})) names.push_back(command->get_name());
    if (std::find(names.begin(), names.end(), word) != names.end()) return "";
    return "unknown command '" + word + "'" + nnlab::did_you_mean(word, names) + "; the commands are " +
           nnlab::join(names);
}

// " (did you mean '--epochs'?)" for the first unknown option that is close to one of the chosen command's.
std::string option_hint(CLI::App& app, int argc, char** argv) {
    std::vector<std::string> names;
    for (CLI::App* command : app.get_subcommands())  // the command given, once parsed
        for (const CLI::Option* option : command->get_options()) names.push_back(option->get_name(false, true));
    for (const CLI::Option* option : app.get_options()) names.push_back(option->get_name(false, true));
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (!word.starts_with("--") || std::find(names.begin(), names.end(), word) != names.end()) continue;
        if (std::string hint = nnlab::did_you_mean(word.substr(0, word.find('=')), names); !hint.empty()) return hint;
    }
    return "";
}

}  // namespace

int main(int argc, char** argv) {
    using namespace nnlab::cli;
    apply_omp_wait_policy(argv);
    CLI::App app{
        "nnlab — a Keras-like neural-network training lab.\n"
        "Runs experiments described in TOML files; see examples/ and the README."};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("nnlab ") + nnlab::version());
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
        const std::string unknown = unknown_command(app, nnlab::cli::command_word(argv));
        std::cerr << "nnlab: error: " << (unknown.empty() ? error.what() + option_hint(app, argc, argv) : unknown)
                  << "\n"
                  << "Run 'nnlab --help' for usage.\n";
        return exit_bad_input;
    } catch (const nnlab::Error& error) {
        if (error.kind() == nnlab::ErrorKind::interrupted) {
            std::cerr << "nnlab: interrupted: " << error.what() << "\n";
            return exit_interrupted;
        }
        std::cerr << "nnlab: error: " << error.what() << "\n";
        return error.kind() == nnlab::ErrorKind::bad_input ? exit_bad_input : exit_failure;
    } catch (const std::exception& error) {
        std::cerr << "nnlab: failed: " << error.what() << "\n";
        return exit_failure;
    }
}
