// Fuzz target: a CSV table through nnlab::load_csv_dataset (the last column the label, a drawn test split), with
// the header inferred.
#include "nnlab/data/formats/array_dataset.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::filesystem::path file = nnlab::fuzz::write_input(data, size, "table.csv");
    nnlab::fuzz::expect_only_errors([&] { nnlab::load_csv_dataset(file, {.test_split = 0.5}); });
    return 0;
}
