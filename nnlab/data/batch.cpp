// Turns uint8 images into a float batch: x = image / 255, y = one-hot label.
#include "nnlab/data/batch.hpp"

#include <array>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

// v / 255 for every byte, computed as the seed does (x.astype('float32') / 255.0, a float32
// division), so batches match Keras's bit for bit; a lookup is also cheaper than a division.
const std::array<float, 256> byte_to_unit = [] {
    std::array<float, 256> table{};
    for (int v = 0; v < 256; ++v) table[static_cast<size_t>(v)] = static_cast<float>(v) / 255.0f;
    return table;
}();

}  // namespace

void make_batch(const Dataset& data, std::span<const int64_t> indices, Tensor& x, Tensor& y) {
    const int64_t n = static_cast<int64_t>(indices.size()), pixels = data.image_size(), classes = y.cols();
    if (x.rows() != n || x.cols() != pixels || y.rows() != n) {
        throw Error("make_batch: " + std::to_string(n) + " images of " + data.image_shape.to_string() +
                        " do not fit x " + x.shape().to_string() + " and y " + y.shape().to_string(),
                    ErrorKind::failure);
    }
    y.fill(0.0f);
    for (int64_t i = 0; i < n; ++i) {
        const uint8_t* src = data.image(indices[i]);
        float* dst = x.data() + i * pixels;
        for (int64_t p = 0; p < pixels; ++p) dst[p] = byte_to_unit[src[p]];
        const int32_t label = data.labels[static_cast<size_t>(indices[i])];
        if (label < 0 || label >= classes) {
            throw Error("make_batch: label " + std::to_string(label) + " of example " + std::to_string(indices[i]) +
                            " is outside [0, " + std::to_string(classes) + ")",
                        ErrorKind::failure);
        }
        y[i * classes + label] = 1.0f;
    }
}

}  // namespace nnlab
