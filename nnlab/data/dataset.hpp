// Dataset — images kept as uint8 (N, H, W, C), integer labels and class names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/core/shape.hpp"

namespace nnlab {

struct Dataset {
    std::vector<uint8_t> images;           // (N, H, W, C), row-major, channels last as in Keras
    Shape image_shape;                     // (H, W, C)
    std::vector<int32_t> labels;           // (N), each in [0, class_names.size())
    std::vector<std::string> class_names;  // in label order

    int64_t size() const { return static_cast<int64_t>(labels.size()); }
    int64_t num_classes() const { return static_cast<int64_t>(class_names.size()); }
    int64_t image_size() const { return image_shape.numel(); }
    const uint8_t* image(int64_t i) const { return images.data() + i * image_size(); }
    // The first n examples (all of them when n >= size()).
    Dataset take(int64_t n) const;
    // `count` examples from `begin` (clamped to the dataset).
    Dataset slice(int64_t begin, int64_t count) const;
};

struct DatasetSplits {
    Dataset train;
    Dataset test;
};

}  // namespace nnlab
