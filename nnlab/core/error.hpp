// nnlab::Error — the one exception library code throws; its message tells a user what to do.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace nnlab {

// Bad input (a config, a file, an argument the user can fix) is told apart from other failures
// so the command can exit with 2 for the first and 1 for the second; an interrupted run (Ctrl-C, its state
// saved) exits with 130, as a shell reports SIGINT.
enum class ErrorKind { bad_input, failure, interrupted };

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message, ErrorKind kind = ErrorKind::bad_input)
        : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const { return kind_; }

private:
    ErrorKind kind_;
};

// An error about one key of a configuration (a layer's `units`, a loss name, …). The command
// adds the file and line of that key before it prints the message.
class KeyError : public Error {
public:
    KeyError(std::string key, const std::string& message) : Error(message), key_(std::move(key)) {}
    const std::string& key() const { return key_; }

private:
    std::string key_;
};

}  // namespace nnlab
