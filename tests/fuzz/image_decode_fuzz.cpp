// Fuzz target: PNG and JPEG bytes through nnlab::decode_image (libpng, libjpeg-turbo), in colour or grey.
#include <span>

#include "nnlab/data/formats/image_decode.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // Inputs of odd length are read in grey, so both colour conversions are explored without a second decode.
    const nnlab::ColorMode mode = size % 2 == 0 ? nnlab::ColorMode::rgb : nnlab::ColorMode::grayscale;
    nnlab::fuzz::expect_only_errors([&] { nnlab::decode_image(std::span(data, size), "fuzz input", mode); });
    return 0;
}
