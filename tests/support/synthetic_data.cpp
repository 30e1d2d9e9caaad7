// A small learnable image dataset: each class brightens its own band of pixels.
#include "tests/support/synthetic_data.hpp"

#include "nnlab/core/rng.hpp"

namespace nnlab::testing {

Dataset synthetic_images(int64_t count, int64_t classes, const Shape& image_shape, uint64_t seed) {
    Dataset data;
    data.image_shape = image_shape;
    for (int64_t c = 0; c < classes; ++c) data.class_names.push_back("class" + std::to_string(c));
    const int64_t pixels = image_shape.numel();
    data.images.resize(static_cast<size_t>(count * pixels));
    data.labels.resize(static_cast<size_t>(count));
    Rng rng(seed);
    for (int64_t i = 0; i < count; ++i) {
        const auto label = static_cast<int32_t>(rng.below(static_cast<uint64_t>(classes)));
        data.labels[static_cast<size_t>(i)] = label;
        for (int64_t p = 0; p < pixels; ++p) {
            const bool band = p * classes / pixels == label;
            data.images[static_cast<size_t>(i * pixels + p)] = static_cast<uint8_t>(rng.below(128) + (band ? 100 : 0));
        }
    }
    return data;
}

}  // namespace nnlab::testing
