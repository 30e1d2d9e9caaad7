// Fuzz target: an experiment file (TOML) through the reader nnlab::load_experiment uses, and back to TOML.
#include <string_view>

#include "nnlab/config/toml_document.hpp"
#include "nnlab/experiment/experiment.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    nnlab::fuzz::expect_only_errors([&] {
        const nnlab::config::Document document = nnlab::config::parse_toml(text, "fuzz.toml");
        const nnlab::Experiment experiment = nnlab::experiment_from(document.reader(), "fuzz.toml");
        (void)experiment.to_toml();  // what config.toml would hold
    });
    return 0;
}
