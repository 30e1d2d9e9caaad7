// What every fuzz target shares: the input as a file (the readers take paths), and the one outcome that is not a
// bug.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "nnlab/core/error.hpp"

namespace nnlab::fuzz {

// Writes the input to `name` in a folder of this process's own (made on first use, reused after), and returns the
// path.
std::filesystem::path write_input(const uint8_t* data, size_t size, const std::string& name);

// Runs `read`; an nnlab::Error is the reader refusing bad input, as it should. Anything else escapes, and libFuzzer
// reports it as a crash with the input that caused it.
template <typename Read>
void expect_only_errors(Read read) {
    try {
        read();
    } catch (const Error&) {
    }
}

}  // namespace nnlab::fuzz
