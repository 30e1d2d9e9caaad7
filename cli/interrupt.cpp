// Ctrl-C and SIGTERM during training: the first asks the run to stop after the current step (its state and model
// saved), a second one ends the process at once.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/neighbour_watch.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"

namespace nnlab::cli {
namespace {

std::atomic<bool> interrupt_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

void on_signal(int) {
    if (interrupt_requested.exchange(true)) ::_exit(exit_interrupted);
    constexpr const char message[] =
        "\nnnlab: interrupted: finishing the current step and saving the training state (again to stop at once)\n";
    // write() is async-signal-safe; its result is of no use here.
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, message, sizeof message - 1);
}

}  // namespace

const std::atomic<bool>& catch_interrupts() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    return interrupt_requested;
}

void print_resume_point(const ExperimentRun& run, const std::filesystem::path& folder) {
    const std::optional<FitPosition>& at = run.resumes_at();
    if (!at) return;
    if (at->step == 0)
        std::printf("Continuing %s after epoch %d\n", folder.c_str(), at->epoch);
    else
        std::printf("Continuing %s in epoch %d after step %lld\n", folder.c_str(), at->epoch + 1,
                    static_cast<long long>(at->step));
}

RunOutcome run_interruptibly(ExperimentRun& run, const std::string& what,
                             const std::vector<std::string>& resume_arguments, Communicator* ranks) {
    RunOptions options = terminal_progress();
    catch_interrupts();
    options.interrupt = &interrupt_requested;
    options.data_parallel = ranks;
    // A rank of an MPI job cannot start itself again: the switch to passive waiting is for runs on their own.
    NeighbourWatch watch(interrupt_requested);
    if (ranks == nullptr) options.callbacks.push_back(&watch);
    try {
        return run.run(options);
    } catch (const Interrupted& interrupted) {
        if (watch.switch_requested()) {
            std::printf(
                "\nOther programs are computing beside this run: continuing it with OMP_WAIT_POLICY=passive (threads "
                "sleep while they wait), from the state just saved\n");
            std::fflush(stdout);
            continue_passive(resume_arguments);
        }
        throw Error(std::string(interrupted.what()) + "; the training state and the model so far of " + what +
                        " are saved. Continue with: nnlab " + join(resume_arguments, " "),
                    ErrorKind::interrupted);
    }
}

}  // namespace nnlab::cli
