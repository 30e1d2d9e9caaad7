// Runs a program as a user would from the shell, for tests of the nnlab command.
#pragma once

#include <string>

namespace nnlab::testing {

struct CommandResult {
    int exit_code;       // -1 when the program did not exit normally
    std::string output;  // stdout and stderr together
};

// Runs `<environment> <binary> <arguments> 2>&1` through the shell. Test targets know the nnlab binary as
// NNLAB_BINARY; the support library does not, so each test passes it in.
CommandResult run_command(const std::string& binary, const std::string& arguments, const std::string& environment = "");

}  // namespace nnlab::testing
