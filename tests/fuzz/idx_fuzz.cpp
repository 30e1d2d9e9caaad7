// Fuzz target: an IDX file (MNIST's format), plain or gzip'd, through nnlab::read_idx.
#include "nnlab/data/formats/idx.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::filesystem::path file = nnlab::fuzz::write_input(data, size, "train-images-idx3-ubyte");
    // Read as the rank the magic number asks for when it is a known one, so that the fuzzer gets past it.
    const int rank = size >= 4 && data[3] == 1 ? 1 : 3;
    nnlab::fuzz::expect_only_errors([&] { nnlab::read_idx(file, rank); });
    return 0;
}
