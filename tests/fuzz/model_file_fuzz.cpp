// Fuzz target: a model file (safetensors header, metadata JSON, tensors) through nnlab::load_model.
#include "nnlab/io/model_file.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::filesystem::path file = nnlab::fuzz::write_input(data, size, "model.safetensors");
    nnlab::fuzz::expect_only_errors([&] { nnlab::load_model(file); });
    return 0;
}
