// The nnlab subcommands: each registers its options on the command line and runs when chosen.
#pragma once

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "nnlab/experiment/run.hpp"

namespace nnlab::cli {

// The options of the nnlab command itself, given before or after a command's name.
struct CommonOptions {
    int threads = 0;  // --threads / NNLAB_THREADS; 0: not given (an experiment's own `threads`, else every core)
    // Started by mpirun (or another MPI launcher): this process is one rank of a data-parallel job. Null otherwise.
    Communicator* ranks = nullptr;
};

// Checks a whole-number option's text: "expected a whole number from `min` to `max` (`source`), found 'x'". The
// bounds are the library's own (max_threads, max_epochs), so a value given here also reads back from the
// config.toml it ends up in.
CLI::Validator whole_number(int64_t min, int64_t max, const std::string& source = "");
// The most runs --repeat trains, and the most images --samples asks for.
constexpr int64_t max_repeats = 10'000;
constexpr int64_t max_samples_option = int64_t{1} << 40;

// How OpenMP's threads wait, unless the environment sets OMP_WAIT_POLICY or GOMP_SPINCOUNT: train and compare on
// a machine where other programs use less than busy_neighbour_cores spin (GOMP_SPINCOUNT=spin_count_alone: as fast
// as libgomp's default alone), everything else sleeps (OMP_WAIT_POLICY=passive). Sets the variables and starts the
// command again (libgomp reads them only as it loads); returns only when the environment already chose, or when the
// command cannot be started again.
void apply_omp_wait_policy(char** argv);
// The first word on the command line (argv ends with a null pointer) that is neither an option nor --threads'
// value: the command meant; "" when there is none.
std::string command_word(char** argv);
inline constexpr double busy_neighbour_cores = 0.5;
inline constexpr const char* spin_count_alone = "10000";
// The cores' worth of CPU other processes use, measured over `window`.
double cores_used_by_others_now(std::chrono::milliseconds window);
// Whether the threads spin because apply_omp_wait_policy chose it (not the user): then a run may switch.
bool spinning_by_choice();
// Starts `nnlab arguments…` again in this process under OMP_WAIT_POLICY=passive; returns only if it cannot.
void continue_passive(const std::vector<std::string>& arguments);

// Throws nnlab::Error naming `option` unless `folder` is absent or a folder (a run writes into it).
void check_out_folder(const std::filesystem::path& folder, const std::string& option);

// From now on, SIGINT and SIGTERM set the flag returned (training stops after its current step, saving its
// state); a second signal exits at once with exit_interrupted.
const std::atomic<bool>& catch_interrupts();
// "Continuing RUN after epoch 3" (or "in epoch 4 after step 120") when the run continues a saved state.
void print_resume_point(const ExperimentRun& run, const std::filesystem::path& folder);
// run.run() with the terminal's progress, stopping at Ctrl-C or SIGTERM: then an nnlab::Error (exit 130) saying
// that the state of `what` is saved and that `nnlab resume_arguments…` continues it. When other programs start
// computing beside a run that spins (NeighbourWatch), it stops too and continues at once under passive waiting, by
// starting `nnlab resume_arguments…` in this process.
RunOutcome run_interruptibly(ExperimentRun& run, const std::string& what,
                             const std::vector<std::string>& resume_arguments, Communicator* ranks = nullptr);

// Throws nnlab::Error naming `option` when `folder` already holds files, so that no earlier result is written
// over: unless `overwrite`, in which case a folder nnlab wrote (a run, a --repeat or compare folder) is emptied
// first, and any other is still refused.
void prepare_new_out_folder(const std::filesystem::path& folder, const std::string& option, bool overwrite);
// Removes everything in `folder` (after prepare_new_out_folder allowed --overwrite, once every check has passed).
void empty_out_folder(const std::filesystem::path& folder);

// Progress on stdout: a live bar cut to the terminal's width when stdout is a terminal, else plain lines.
RunOptions terminal_progress();

// Each returns the exit code through `exit_code` once the command has run.
void add_train_command(CLI::App& app, int& exit_code, const CommonOptions& common);
void add_summary_command(CLI::App& app, int& exit_code);
void add_export_command(CLI::App& app, int& exit_code);
void add_evaluate_command(CLI::App& app, int& exit_code);
void add_download_command(CLI::App& app, int& exit_code);
void add_augment_preview_command(CLI::App& app, int& exit_code);
void add_predict_command(CLI::App& app, int& exit_code);
void add_compare_command(CLI::App& app, int& exit_code, const CommonOptions& common);
void add_ensemble_command(CLI::App& app, int& exit_code);

}  // namespace nnlab::cli
