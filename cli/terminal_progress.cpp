// terminal_progress — where training progress goes, and how wide the terminal is.
#include <sys/ioctl.h>
#include <unistd.h>

#include <iostream>

#include "cli/commands.hpp"

namespace nnlab::cli {

RunOptions terminal_progress() {
    RunOptions options{.progress = &std::cout, .live = isatty(STDOUT_FILENO) == 1};
    winsize size{};
    if (options.live && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0) options.columns = size.ws_col;
    return options;
}

}  // namespace nnlab::cli
