// Dataset — examples kept as uint8 images (N, H, W, C) or float32 features (N, …), integer labels and class names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/core/shape.hpp"

namespace nnlab {

// What one example holds: uint8 pixels, scaled to [0, 1] on the way into the model (the seed's x / 255) and open
// to augmentation, or float32 features given to the model as they are (Keras's fit on a float array).
enum class ExampleKind { pixels, features };

struct Dataset {
    ExampleKind kind = ExampleKind::pixels;
    std::vector<uint8_t> images;           // pixels: (N, H, W, C), row-major, channels last as in Keras
    std::vector<float> features;           // features: (N, …), row-major
    Shape image_shape;                     // one example's shape: (H, W, C) for images, any rank for features
    std::vector<int32_t> labels;           // (N), each in [0, class_names.size())
    std::vector<std::string> class_names;  // in label order

    int64_t size() const { return static_cast<int64_t>(labels.size()); }
    int64_t num_classes() const { return static_cast<int64_t>(class_names.size()); }
    int64_t image_size() const { return image_shape.numel(); }
    const uint8_t* image(int64_t i) const { return images.data() + i * image_size(); }
    const float* feature_row(int64_t i) const { return features.data() + i * image_size(); }
    bool has_features() const { return kind == ExampleKind::features; }
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
