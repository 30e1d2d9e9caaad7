// The inputs the fuzzers found crashing, hanging or exhausting memory (tests/fuzz/crashes/), each read again:
// now an nnlab::Error or a model, quickly, and never anything else.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "nnlab/core/error.hpp"
#include "nnlab/experiment/experiment.hpp"
#include "nnlab/io/model_file.hpp"

namespace nnlab {
namespace {

TEST(FuzzCrashes, EveryKeptInputIsAnErrorOrAModel) {
    const std::filesystem::path folder = std::filesystem::path(NNLAB_SOURCE_DIR) / "tests" / "fuzz" / "crashes";
    int inputs = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        const std::filesystem::path& file = entry.path();
        SCOPED_TRACE(file.filename().string());
        try {
            if (file.extension() == ".toml") {
                load_experiment(file);
                ++inputs;
            } else if (file.extension() == ".safetensors") {
                load_model(file);
                ++inputs;
            }
        } catch (const Error&) {
            ++inputs;  // a message, as it should be
        }
    }
    EXPECT_GE(inputs, 4);
}

}  // namespace
}  // namespace nnlab
