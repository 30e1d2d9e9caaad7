// Fuzz target: NumPy arrays — an .npy file through nnlab::read_npy_file, or (when it starts as a zip does) an .npz
// through nnlab::read_npz_file; arrays named x_train and y_train then become a dataset as the loader reads them.
#include "nnlab/data/formats/array_dataset.hpp"
#include "nnlab/data/formats/npz.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const bool zip = size >= 2 && data[0] == 'P' && data[1] == 'K';
    const std::filesystem::path file = nnlab::fuzz::write_input(data, size, zip ? "arrays.npz" : "array.npy");
    nnlab::fuzz::expect_only_errors([&] {
        if (!zip) {
            const nnlab::NpyArray array = nnlab::read_npy_file(file);
            // As labels of as many examples as it has rows, and as examples with labels 0.
            const int64_t rows = array.shape.empty() ? 0 : array.shape[0];
            nnlab::NpyArray zeros{
                .kind = nnlab::NpyKind::unsigned_integer, .item_bytes = 1, .shape = {rows}, .data = {}};
            zeros.data.assign(static_cast<size_t>(rows), 0);
            nnlab::dataset_from_arrays(array, zeros, "x", "y");
            return;
        }
        const auto arrays = nnlab::read_npz_file(file, {"x_train", "y_train"});
        if (arrays.size() == 2) nnlab::dataset_from_arrays(arrays.at("x_train"), arrays.at("y_train"), "x", "y");
    });
    return 0;
}
