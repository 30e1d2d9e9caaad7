// Exit codes of the nnlab command: 0 success, 1 failure, 2 bad input (a config, a file, an argument).
#pragma once

namespace nnlab::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_bad_input = 2;
inline constexpr int exit_interrupted = 130;  // as a shell reports a process ended by SIGINT

}  // namespace nnlab::cli
