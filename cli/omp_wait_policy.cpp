// How OpenMP's idle threads wait, chosen for a machine that may be doing other work: spinning (fastest alone) when
// a training command starts on an idle machine, sleeping (passive) otherwise; a run that spins and then finds
// itself beside other work continues under passive (NeighbourWatch).
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "cli/commands.hpp"
#include "nnlab/core/resource_usage.hpp"

namespace nnlab::cli {
namespace {

// Set beside the OpenMP variables to say that nnlab chose them (and which), so that the started copy keeps them and
// knows that it may change its mind.
constexpr const char* chosen_policy = "NNLAB_WAIT_POLICY_CHOSEN";

// Whether the command trains (train, compare): the only ones long enough for the waiting policy to matter.
bool trains(char** argv) {
    const std::string command = command_word(argv);
    return command == "train" || command == "compare";
}

}  // namespace

std::string command_word(char** argv) {
    for (int i = 1; argv[i] != nullptr; ++i) {
        const std::string word = argv[i];
        if (word == "--threads") {
            if (argv[i + 1] == nullptr) return "";
            ++i;
        } else if (!word.starts_with("-")) {
            return word;
        }
    }
    return "";
}

double cores_used_by_others_now(std::chrono::milliseconds window) {
    const std::optional<CpuTimes> before = cpu_times();
    std::this_thread::sleep_for(window);
    const std::optional<CpuTimes> after = cpu_times();
    return before && after ? cores_used_by_others(*before, *after) : 0.0;
}

void apply_omp_wait_policy(char** argv) {
    // The user's own setting wins; and once set here, the started copy carries on.
    if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr) return;
    // Spinning costs nothing alone and collapses beside other work; sleeping costs the seed MLP 21% alone and stays
    // within 1.5× beside a busy process (docs/measurements.md, "A busy machine"). libgomp reads the setting once,
    // as it loads, so the command starts itself again with it.
    const bool spin = trains(argv) && cores_used_by_others_now(std::chrono::milliseconds(250)) < busy_neighbour_cores;
    if (spin) {
        setenv("GOMP_SPINCOUNT", spin_count_alone, 1);
        setenv(chosen_policy, "spin", 1);
    } else {
        setenv("OMP_WAIT_POLICY", "passive", 1);
        setenv(chosen_policy, "passive", 1);
    }
    execv("/proc/self/exe", argv);
    // Exec failed (no /proc): carry on with libgomp's default rather than fail.
}

bool spinning_by_choice() {
    const char* chosen = std::getenv(chosen_policy);
    return chosen != nullptr && std::strcmp(chosen, "spin") == 0;
}

void continue_passive(const std::vector<std::string>& arguments) {
    unsetenv("GOMP_SPINCOUNT");
    setenv("OMP_WAIT_POLICY", "passive", 1);
    setenv(chosen_policy, "passive", 1);
    std::vector<std::string> words{"nnlab"};
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
}

}  // namespace nnlab::cli
