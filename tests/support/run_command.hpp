// Runs a program as a user would from the shell, for tests of the nnlab command.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace nnlab::testing {

struct CommandResult {
    int exit_code;       // -1 when the program did not exit normally
    std::string output;  // stdout and stderr together
};

// Runs `<environment> <binary> <arguments> 2>&1` through the shell. Test targets know the nnlab binary as
// NNLAB_BINARY; the support library does not, so each test passes it in.
CommandResult run_command(const std::string& binary, const std::string& arguments, const std::string& environment = "");

// Starts `binary arguments…` (no shell) with stdout and stderr appended to `log`; returns its process id, for a
// test that signals it. Throws when it cannot be started.
pid_t start_command(const std::string& binary, const std::vector<std::string>& arguments,
                    const std::filesystem::path& log);
// Waits for a started command: its exit code, or 128 + the signal that ended it (as a shell reports it).
int wait_for_command(pid_t pid);

}  // namespace nnlab::testing
