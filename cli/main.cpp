// nnlab — train, inspect and evaluate neural networks from experiment files.
// The only place (with cli/) that prints or exits: errors become a message and an exit code.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/core/threads.hpp"
#include "nnlab/core/version.hpp"
#include "nnlab/dist/mpi_session.hpp"

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
    // Under mpirun this process is one rank: MPI starts before any command, and only rank 0 prints what a person
    // reads (the others print only their errors). A failing rank ends the whole job (MPI_Abort), so that no rank is
    // left waiting for it.
    std::optional<nnlab::MpiSession> mpi;
    auto finish = [&](int code) {
        if (code != exit_ok && code != exit_interrupted && mpi && mpi->world().size() > 1) mpi->world().abort(code);
        return code;
    };
    auto error_prefix = [&] {
        if (!mpi || mpi->world().size() == 1) return std::string("nnlab: ");
        return "nnlab (rank " + std::to_string(mpi->world().rank()) + " on " + mpi->world().host() + "): ";
    };
    add_train_command(app, exit_code, common);
    add_summary_command(app, exit_code);
    add_evaluate_command(app, exit_code);
    add_predict_command(app, exit_code);
    add_ensemble_command(app, exit_code);
    add_compare_command(app, exit_code, common);
    add_download_command(app, exit_code);
    add_augment_preview_command(app, exit_code);
    add_export_command(app, exit_code);
    try {
        if (nnlab::started_by_mpi_launcher()) {
            mpi.emplace();
            common.ranks = &mpi->world();
            if (mpi->world().rank() != 0 && std::freopen("/dev/null", "w", stdout) == nullptr)
                throw nnlab::Error("cannot silence rank " + std::to_string(mpi->world().rank()) + "'s output",
                                   nnlab::ErrorKind::failure);
        }
        app.parse(argc, argv);
        return finish(exit_code);
    } catch (const CLI::ParseError& error) {
        // CLI11 reports --help as a "parse error" with exit code 0; app.exit prints the right help.
        if (error.get_exit_code() == 0) return app.exit(error);
        const std::string unknown = unknown_command(app, nnlab::cli::command_word(argv));
        // One write per message, so that ranks failing together do not interleave their lines.
        std::cerr << error_prefix() +
                         "error: " + (unknown.empty() ? error.what() + option_hint(app, argc, argv) : unknown) +
                         "\nRun 'nnlab --help' for usage.\n";
        return finish(exit_bad_input);
    } catch (const nnlab::Error& error) {
        if (error.kind() == nnlab::ErrorKind::interrupted) {
            // Every rank stops at the same step (fit agrees on it), so all end here alike.
            if (!mpi || mpi->world().rank() == 0) std::cerr << "nnlab: interrupted: " << error.what() << "\n";
            return exit_interrupted;
        }
        std::cerr << error_prefix() + "error: " + error.what() + "\n";
        return finish(error.kind() == nnlab::ErrorKind::bad_input ? exit_bad_input : exit_failure);
    } catch (const std::exception& error) {
        std::cerr << error_prefix() + "failed: " + error.what() + "\n";
        return finish(exit_failure);
    }
}
